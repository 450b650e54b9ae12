// Bundles the CLI (src/cli.ts and everything it imports, dependencies included) into
// dist/cli/: one file for what every command needs, and one chunk per dynamic import,
// so a command's module (and the model SDK, React, Ink) still loads only when used.
// New modules need nothing here: whatever src/cli.ts imports, statically or lazily, is bundled.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { asciiOnly } from './bundle-ascii.mjs';
import { fastStringWidth } from './bundle-string-width.mjs';
import { builtinsOnUse } from './bundle-builtins.mjs';
import { zodEnglishOnly } from './bundle-zod-en.mjs';

const root = path.resolve(import.meta.dirname, '..');
const outdir = path.join(root, 'dist/cli');
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: path.join(root, 'src/cli.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  tsconfig: path.join(root, 'tsconfig.json'),
  // CommonJS dependencies call require() for Node's own modules; an ES module has none.
  banner: { js: "import { createRequire as __ksaCreateRequire } from 'node:module'; const require = __ksaCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  // Optional native or development-only pieces some dependencies try to load.
  // bullmq and ioredis load only for runs with workers, and ioredis's CommonJS exports do not survive bundling.
  external: ['react-devtools-core', 'bullmq', 'ioredis'],
  // ksa runs React's production build (bin/ksa.js): saying so at build time leaves the development builds
  // of React and its reconciler out of the bundle, which every chat start would otherwise load.
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [fastStringWidth(root), builtinsOnUse, zodEnglishOnly],
});
await asciiOnly(outdir);

// The startup snapshot is a speed-up only: without it bin/ksa starts every command from the bundle above.
const { bundleSnapshot } = await import('./bundle-snapshot.mjs');
await bundleSnapshot().catch((error) => console.warn(`ksa build: no startup snapshot (ksa starts without it): ${error.message.split('\n')[0]}`));
