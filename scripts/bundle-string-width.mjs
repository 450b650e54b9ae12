// An esbuild plugin for the CLI bundle (and the bench's startup floors, built as the CLI is).
import path from 'node:path';

/**
 * Ink and its helpers measure every piece of text with string-width, whose module builds Unicode tables
 * (a segmenter, an emoji regex) when it loads and tens of milliseconds before the chat's first frame.
 * Here string-width is answered by src/tui/fast-width.ts for the text that needs none of them, and the
 * real module loads (bundled, lazily through require) the first time other text is measured.
 */
export function fastStringWidth(root) {
  const namespace = 'ksa-string-width';
  const fast = path.join(root, 'src/tui/fast-width.ts');
  return {
    name: namespace,
    setup(builder) {
      builder.onResolve({ filter: /^string-width$/ }, (args) => (args.namespace === namespace ? undefined : { path: 'string-width', namespace }));
      builder.onLoad({ filter: /.*/, namespace }, () => ({
        resolveDir: root,
        loader: 'js',
        contents: `import { fastWidth } from ${JSON.stringify(fast)};
let real;
export default function stringWidth(input, options) {
  const width = fastWidth(input, options);
  if (width !== undefined) return width;
  real ??= require('string-width').default;
  return real(input, options);
}`,
      }));
    },
  };
}
