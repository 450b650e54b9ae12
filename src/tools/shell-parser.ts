import { createRequire } from 'node:module';
import type { Parser, Tree } from 'web-tree-sitter';
import type { ShellParser } from '../policy/index.js';
import { parseClosingDescriptors, WrittenNode } from './descriptor-closes.js';

let loading: Promise<Parser> | undefined;

/** tree-sitter-bash as WASM, loaded once on first use. */
function bashParser(): Promise<Parser> {
  loading ??= (async () => {
    // Loaded with the first shell command to rate: ksa validate of a plan without a policy rates none.
    const { Language, Parser } = await import('web-tree-sitter');
    const require = createRequire(import.meta.url);
    // Found through the package, not next to the code that loads it: inside the bundled CLI that is another folder.
    await Parser.init({ locateFile: () => require.resolve('web-tree-sitter/tree-sitter.wasm') });
    const language = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/** Parses a bash command line for the risk classifier (src/policy); the tree is freed after `read`. */
export const parseShell: ShellParser = async (command, read) => {
  const parser = await bashParser();
  const tree = parser.parse(command);
  if (tree === null) throw new Error('the bash parser returned no tree');
  let again: Tree | undefined;
  try {
    again = parseClosingDescriptors(parser, command, tree);
    return again === undefined ? read(tree.rootNode) : read(new WrittenNode(again.rootNode, command));
  } finally {
    tree.delete();
    again?.delete();
  }
};
