// Builds ksa's startup snapshot (dist/snapshot/): src/cli/snapshot-entry.ts and what it imports as one
// CommonJS file (a snapshot takes no ES modules), run once by `node --build-snapshot`, which saves the heap.
// bin/ksa starts `ksa validate` from it (docs/performance.md, P9a). The blob belongs to
// the Node that built it, so that Node is linked beside it (a hard link: the very binary, even after an
// upgrade replaces the one at its path); where no hard link can be made, there is no snapshot and ksa
// starts as before.
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { link, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fastStringWidth } from './bundle-string-width.mjs';
import { zodEnglishOnly } from './bundle-zod-en.mjs';

const root = path.resolve(import.meta.dirname, '..');
const outdir = path.join(root, 'dist/snapshot');

// Left out of the heap: what validate never loads (the model SDK, MCP, the TUI, the store, processes,
// the shell parser, workers). They load from node_modules when a plan needs them (an MCP server, a policy, --json's risk).
const LEFT_OUT = ['ink', 'ink-*', '@inkjs/*', 'react', 'react/*', 'react-devtools-core', 'bullmq', 'ioredis', 'ai', '@ai-sdk/*', '@modelcontextprotocol/*', 'marked', 'ajv', 'ajv-formats', 'execa', 'lowdb', 'lowdb/*', 'web-tree-sitter', 'tree-sitter-bash'];

// The script runs with a require() of Node's modules only; in the started process require() and
// import.meta.url are those of dist/cli/cli.js where the package is (src/cli/snapshot-entry.ts sets them).
const BANNER = `var __ksaBuildRequire = require;
require = (id) => (globalThis.__ksaRequire ?? __ksaBuildRequire)(id);
globalThis.__ksaCliUrl = ${JSON.stringify(pathToFileURL(path.join(root, 'dist/cli/cli.js')).href)};`;

// Commands other than validate: bin/ksa starts them from the bundle, never from the snapshot.
const onlyValidate = {
  name: 'ksa-snapshot-only-validate',
  setup(build) {
    // The commands' modules, as src/cli.ts (the chat) and src/cli/program.ts import them.
    build.onResolve({ filter: /^\.\/(cli\/)?commands\/[a-z-]+\.js$/ }, (args) =>
      args.path.endsWith('/validate.js') || !/[\\/]src[\\/]cli(\.ts|[\\/]program\.ts)$/.test(args.importer) ? undefined : { path: args.path, namespace: 'ksa-not-in-snapshot' },
    );
    build.onLoad({ filter: /.*/, namespace: 'ksa-not-in-snapshot' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not in the startup snapshot; bin/ksa starts it from dist/cli`)});`,
      loader: 'js',
    }));
  },
};

/** How a snapshot's script is bundled (bench/snapshot-study.ts builds its variants so too): one CommonJS file, as a snapshot takes no ES modules. */
export const SNAPSHOT_SCRIPT = { bundle: true, format: 'cjs', platform: 'node', target: 'node22', tsconfig: path.join(root, 'tsconfig.json') };

/** Runs `script` once under `node --build-snapshot` (this Node), which saves the heap it leaves as `blob`. */
export function buildSnapshotBlob(script, blob, { cwd, env }) {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', script], { cwd, env, maxBuffer: 1 << 20 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${stderr || error.message}`.trim())) : resolve(),
    ),
  );
}

export async function bundleSnapshot() {
  await rm(outdir, { recursive: true, force: true });
  // The snapshot runs ksa on the Node that builds it, and ksa needs 22 or newer (bin/ksa.js says so for the rest).
  if (Number(process.versions.node.split('.')[0]) < 22) throw new Error(`Node ${process.version} builds it, and ksa needs Node 22 or newer`);
  // Kept after the build: the file and lines of a --debug stack trace from the snapshot.
  const script = path.join(outdir, 'ksa.cjs');
  await build({
    entryPoints: [path.join(root, 'src/cli/snapshot-entry.ts')],
    outfile: script,
    ...SNAPSHOT_SCRIPT,
    // Lazy import() of a left-out package becomes require(), which the started process can do.
    supported: { 'dynamic-import': false },
    banner: { js: BANNER },
    define: { 'process.env.NODE_ENV': '"production"', 'import.meta.url': 'globalThis.__ksaCliUrl' },
    external: LEFT_OUT,
    // Whitespace only: the heap holds the source, and names stay as in the other bundle (messages, --debug traces).
    minifyWhitespace: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [onlyValidate, fastStringWidth(root), zodEnglishOnly],
  });
  const home = await mkdtemp(path.join(tmpdir(), 'ksa-snapshot-home-'));
  try {
    const blob = path.join(outdir, 'ksa.blob');
    // A bare environment: the heap must hold nothing of the machine that built it.
    const env = { PATH: process.env.PATH ?? '', KSA_SNAPSHOT_PLAN: path.join(root, 'examples/deploy-local/plan.yaml'), KSA_SNAPSHOT_HOME: home };
    await buildSnapshotBlob(script, blob, { cwd: outdir, env });
    await link(await realpath(process.execPath), path.join(outdir, 'node')).catch(async (error) => {
      await rm(blob);
      throw new Error(`cannot link ${process.execPath} beside the snapshot (${error.code ?? error.message})`);
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
