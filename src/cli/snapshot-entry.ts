// The entry of ksa's startup snapshot (scripts/bundle-snapshot.mjs, bin/ksa): `ksa validate` starts from a
// V8 heap in which this CLI has loaded and validated a plan once, instead of loading and compiling it again
// at every start (docs/performance.md, P9a). Only bin/ksa chooses it, for validate alone.
import { createRequire, enableCompileCache } from 'node:module';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { main, outputWritten } from '../cli.js';

type SnapshotGlobals = { __ksaCliUrl?: string; __ksaRequire?: NodeJS.Require };

/** What the build runs before the heap is saved: the code validate runs is compiled by then (a cold heap starts no faster than the bundle). */
async function warmUp(plan: string, home: string): Promise<void> {
  const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
  // No terminal, no environment but an empty ksa home: nothing of the build machine is read or kept.
  const io = { stdout: sink(), stderr: sink(), stdin: Readable.from([]), env: { KSA_HOME: home }, cwd: path.dirname(plan) };
  const code = await main(['node', 'ksa', 'validate', plan], io);
  if (code !== 0) throw new Error(`the snapshot's warm-up "ksa validate ${plan}" exited with ${code}`);
}

/** Runs in the started process: argv is [node, the package folder (from bin/ksa), ...the user's arguments]. */
function start(): void {
  const [node = process.execPath, folder = '.', ...args] = process.argv;
  const packageDir = path.resolve(folder);
  const cli = path.join(packageDir, 'dist/cli/cli.js');
  const globals = globalThis as SnapshotGlobals;
  // The bundle's import.meta.url and require() (packages left out of the snapshot, Node's modules) now point here, not at the build.
  globals.__ksaCliUrl = pathToFileURL(cli).href;
  globals.__ksaRequire = createRequire(cli);
  // As bin/ksa.js starts ksa: process.argv, React's production build, the compile cache (for packages loaded from node_modules).
  process.argv = [node, path.join(packageDir, 'bin/ksa.js'), ...args];
  const env = process.env; // not process.env.NODE_ENV: the bundle replaces that name with its build's value
  env.NODE_ENV ??= 'production';
  enableCompileCache?.();
  void main(process.argv).then(async (code) => {
    await outputWritten();
    process.exit(code);
  });
}

if (v8.startupSnapshot?.isBuildingSnapshot()) {
  const [plan, home] = [process.env.KSA_SNAPSHOT_PLAN, process.env.KSA_SNAPSHOT_HOME];
  if (!plan || !home) throw new Error('KSA_SNAPSHOT_PLAN and KSA_SNAPSHOT_HOME are set by scripts/bundle-snapshot.mjs');
  void warmUp(plan, home);
  v8.startupSnapshot.setDeserializeMainFunction(start);
}
