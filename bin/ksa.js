#!/usr/bin/env -S node --liftoff-only
// --liftoff-only: V8 would optimise the 1.4 MB bash parser (WASM, used to rate each step's risk) in the
// background, and a process then waits for that compile when it exits: half a second on a second Ctrl-C.
// Parsing command lines never runs long enough to gain from optimised WASM code.
// Entry point: checks the Node version before loading anything that needs it.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `ksa: needs Node.js 22 or newer, this is ${process.version}. From the project folder run "npx ksa" (it uses the pinned Node 24), or install Node 22+.\n`,
  );
  process.exit(2);
}

// React's development build is several times slower per keystroke; ksa runs the production one.
process.env.NODE_ENV ??= 'production';

// Node keeps the compiled code of ksa's modules on disk (in the temp dir): later starts skip most parsing.
(await import('node:module')).enableCompileCache?.();

// The bundle (npm run build: dist/cli) loads fastest; the plain compiled modules (dist/src) serve when it is absent.
let cli;
try {
  cli = await import('../dist/cli/cli.js').catch((error) => {
    if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/cli.js')) return import('../dist/src/cli.js');
    throw error;
  });
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/src/cli.js')) {
    process.stderr.write('ksa: not built yet; run "npm install" (or "npm run build") in the project folder first.\n');
    process.exit(2);
  }
  throw error;
}
const code = await cli.main(process.argv);
// What is still queued for a slow reader (`ksa run --json | jq`) reaches it before the process ends.
await cli.outputWritten?.();
process.exit(code);
