// An esbuild plugin for the CLI bundle: Node's own modules are loaded with require(), not imported.
// Importing a built-in module from an ES module makes Node build its ES facade, which reads every
// export: `node:process` creates stdin and stdout, `fs` and `util` load what their lazily defined
// exports need (the file streams, the worker threads, the argument parser…). That was a sixth of
// `ksa validate`'s start. esbuild's CommonJS interop reads each export's descriptor instead, which
// costs nothing except for the modules in FORWARDED (reading a descriptor there loads the code
// behind it): those reach the code through an object that reads an export when it is used. The
// modules in LAZY are not loaded until something of theirs is used: most commands start no process,
// hash nothing and ask nothing.
import { builtinModules, createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const NAMESPACE = 'ksa-node-builtin';
/** Plain objects of functions and constants (no export depends on `this`), so an object standing in for them is safe. */
const FORWARDED = new Set(['fs', 'fs/promises', 'util', 'os', 'buffer', 'crypto', 'child_process', 'readline', 'readline/promises']);
/** Loaded on first use (a subset of FORWARDED). */
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
      return builtinName(args.path) === undefined ? undefined : { path: args.path, namespace: NAMESPACE };
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
      const name = builtinName(args.path);
      const specifier = JSON.stringify(`node:${name}`);
      if (!FORWARDED.has(name)) return { loader: 'js', contents: `module.exports = require(${specifier});` };
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
