import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { KSA_ARGV, KSA_FLAGS } from './ksa-argv.js';
import { timeProcess } from './startup-bench.js';
import { buildStartupFloors, VALIDATE_MAIN } from './startup-floors.js';
import { median, round } from './stats.js';

/**
 * Could a V8 startup snapshot (`node --build-snapshot`) bring `ksa validate`
 * (P9a) to ≤ 3× `node -e 0`? A snapshot holds the heap after the modules have
 * loaded and one validate has run, so a start deserializes it instead of
 * compiling and running the modules and the first parse. The study builds one
 * of ksa's CLI (one CommonJS file: a snapshot takes no ES modules) and one of
 * the validate floor (startup-floors.ts), each warmed up on the example plan,
 * and times them in interleaved rounds against node -e 0, ksa as `npx ksa`
 * starts it, and the floor as the bench runs it.
 *
 * Run: `npm run build && node dist/bench/snapshot-study.js [--rounds N]`
 */

const root = path.resolve(import.meta.dirname, '..', '..');
const plan = path.join(root, 'examples/deploy-local/plan.yaml');

/** Warms up on the example plan while the snapshot is built; the start then runs main on its own argv. */
const KSA_ENTRY = `
import { Readable, Writable } from 'node:stream';
import v8 from 'node:v8';
import { main } from './src/cli.js';
const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
const io = { stdout: sink(), stderr: sink(), stdin: Readable.from([]), env: {}, cwd: ${JSON.stringify(root)} };
void main(['node', 'ksa', 'validate', ${JSON.stringify(plan)}], io).then((code) => {
  if (code !== 0) throw new Error('the warm-up validate exited with ' + code);
});
v8.startupSnapshot.setDeserializeMainFunction(() => {
  void main([process.argv[0], 'ksa', ...process.argv.slice(1)]).then((code) => process.exit(code));
});
`;

const FLOOR_ENTRY = `
import v8 from 'node:v8';
${VALIDATE_MAIN}
validateFloor(['node', 'floor', 'validate', ${JSON.stringify(plan)}]);
v8.startupSnapshot.setDeserializeMainFunction(() => validateFloor([process.argv[0], 'floor', ...process.argv.slice(1)]));
`;

/** What validate never loads: left out of the smaller of ksa's two snapshots (the model SDK, MCP, the TUI, the store, processes). */
const NOT_VALIDATE = ['ai', '@ai-sdk/*', '@modelcontextprotocol/*', 'react', 'marked', 'ajv', 'ajv-formats', 'execa', 'lowdb', 'web-tree-sitter', 'tree-sitter-bash'];

async function buildSnapshot(dir: string, name: string, contents: string, leaveOut: readonly string[] = []): Promise<{ blob: string; mb: number }> {
  // The shipped snapshot's recipe (scripts/bundle-snapshot.mjs): how its script is bundled, and how its heap is saved.
  const { SNAPSHOT_SCRIPT, buildSnapshotBlob } = await import(pathToFileURL(path.join(root, 'scripts/bundle-snapshot.mjs')).href);
  const script = path.join(dir, `${name}.cjs`);
  await build({
    stdin: { contents, loader: 'ts', resolveDir: root, sourcefile: `${name}.ts` },
    outfile: script,
    ...SNAPSHOT_SCRIPT,
    // version.ts finds package.json from its own file: as the bundle's.
    define: { 'process.env.NODE_ENV': '"production"', 'import.meta.url': JSON.stringify(pathToFileURL(path.join(root, 'dist/cli/cli.js')).href) },
    // The TUI (Ink awaits at its top level, which CommonJS cannot) and the fleet's client: validate loads neither.
    external: ['ink', 'ink-*', '@inkjs/*', 'react-devtools-core', 'bullmq', 'ioredis', ...leaveOut],
    logLevel: 'error',
  });
  const blob = path.join(dir, `${name}.blob`);
  await buildSnapshotBlob(script, blob, { cwd: root });
  return { blob, mb: round((await stat(blob)).size / 1e6, 1) };
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--rounds');
  const rounds = at > 0 ? Number(process.argv[at + 1]) : 15;
  const dir = await mkdtemp(path.join(tmpdir(), 'ksa-snapshot-'));
  try {
    const [ksa, slim, floor, floors] = await Promise.all([
      buildSnapshot(dir, 'ksa', KSA_ENTRY),
      buildSnapshot(dir, 'ksa-validate', KSA_ENTRY, NOT_VALIDATE),
      buildSnapshot(dir, 'floor', FLOOR_ENTRY),
      buildStartupFloors(dir, KSA_FLAGS),
    ]);
    const commands: Record<string, readonly string[]> = {
      node: ['-e', '0'],
      ksa: [...KSA_ARGV, 'validate', plan],
      'ksa, snapshot': [...KSA_FLAGS, '--snapshot-blob', ksa.blob, 'validate', plan],
      'ksa, validate snapshot': [...KSA_FLAGS, '--snapshot-blob', slim.blob, 'validate', plan],
      floor: [...floors.validate, 'validate', plan],
      'floor, snapshot': [...KSA_FLAGS, '--snapshot-blob', floor.blob, 'validate', plan],
    };
    const times = Object.fromEntries(Object.keys(commands).map((name) => [name, [] as number[]]));
    // The first round fills Node's compile cache and the file cache; it is not counted.
    for (let r = 0; r <= rounds; r++) {
      for (const [name, args] of Object.entries(commands)) {
        const ms = await timeProcess(args);
        if (r > 0) times[name]!.push(ms);
      }
    }
    const nodeMs = median(times.node!);
    console.log(`${rounds} rounds; snapshots: ksa ${ksa.mb} MB, ksa's validate ${slim.mb} MB, floor ${floor.mb} MB`);
    for (const [name, list] of Object.entries(times)) console.log(`${name.padEnd(24)} ${round(median(list), 1).toString().padStart(6)} ms  ${round(median(list) / nodeMs, 2)}× node -e 0`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
