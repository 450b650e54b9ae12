// An esbuild plugin for the CLI bundle: zod's error messages in English only.
// zod exports its ~50 locales as a namespace (z.locales), and a dependency that uses its namespace as a
// value keeps all of them; code splitting then puts them in the chunk every command with zod loads
// (366 kB of the 756 kB). zod itself uses English (config(en())) and nothing in ksa or its
// dependencies picks another locale, so z.locales is reduced to `en`: 3 % fewer instructions for `ksa validate`.
import path from 'node:path';

/** @type {import('esbuild').Plugin} */
export const zodEnglishOnly = {
  name: 'ksa-zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      loader: 'js',
      resolveDir: path.dirname(args.path),
    }));
  },
};
