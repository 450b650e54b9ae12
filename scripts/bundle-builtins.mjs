// An esbuild plugin for the CLI bundle: a few of Node's own modules reach the bundled code through
// an object that reads each export only when the code uses it.
// Importing a built-in module from an ES module makes Node build its ES facade, which reads every
// export; `fs` and `util` define many exports lazily, so that loads the file streams, the worker
// threads, the argument parser… (esbuild's CommonJS interop, which reads each export's descriptor,
// does the same). That was about a tenth of `ksa validate`'s start. The modules in LAZY are not even
// loaded until something of theirs is used: most commands start no process, hash nothing and ask nothing.
import { builtinModules, createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const NAMESPACE = 'ksa-node-builtin';
/** Plain objects of functions and constants (no export depends on `this`), so an object standing in for them is safe. */
const FORWARDED = new Set(['fs', 'fs/promises', 'util', 'os', 'crypto', 'child_process', 'readline', 'readline/promises']);
/** Loaded on first use. */
const LAZY = new Set(['crypto', 'child_process', 'readline', 'readline/promises']);

function builtinName(specifier) {
  const name = specifier.replace(/^node:/, '');
  return builtinModules.includes(name) ? name : undefined;
}

/** @type {import('esbuild').Plugin} */
export const builtinsOnUse = {
  name: 'ksa-builtins-on-use',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z0-9_/]+$/ }, (args) => {
      // The module written below requires the real one.
      if (args.namespace === NAMESPACE) return { path: args.path, external: true };
      // import() loads when it runs already, and expects Node's own namespace.
      if (args.kind === 'dynamic-import') return undefined;
      const name = builtinName(args.path);
      return name !== undefined && FORWARDED.has(name) ? { path: args.path, namespace: NAMESPACE } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
      const name = builtinName(args.path);
      const specifier = JSON.stringify(`node:${name}`);
      // The export names of a lazy module are listed at build time, so listing them (as esbuild's interop does) loads nothing.
      const names = LAZY.has(name) ? JSON.stringify(Object.getOwnPropertyNames(require(`node:${name}`))) : undefined;
      return {
        loader: 'js',
        contents: `let real${names ? '' : ` = require(${specifier})`};
const load = () => (real ??= require(${specifier}));
let names = ${names ?? 'undefined'};
let known;
const keys = () => (names ??= Reflect.ownKeys(load()));
module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  set: (_, key, value) => Reflect.set(load(), key, value),
  has: (_, key) => key in load(),
  deleteProperty: (_, key) => Reflect.deleteProperty(load(), key),
  defineProperty: (_, key, descriptor) => Reflect.defineProperty(load(), key, descriptor),
  ownKeys: () => [...keys()],
  // Without reading the value: reading a lazily defined export is what loads the code behind it.
  getOwnPropertyDescriptor: (_, key) => ((known ??= new Set(keys())).has(key) ? { value: undefined, writable: true, enumerable: true, configurable: true } : undefined),
});
`,
      };
    });
  },
};
