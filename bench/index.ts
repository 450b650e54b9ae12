import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureAgent } from './agent-loop.js';
import { measureFleet } from './fleet-bench.js';
import { measureMemory } from './memory.js';
import { measureOverhead } from './overhead.js';
import { formatTable, resultsJson, tableRows, type BenchResults } from './report.js';
import { measureScheduleQuality } from './schedule-quality.js';
import { measureStore } from './store-bench.js';
import { collectGarbage, hasGc, round } from './stats.js';
import { measureStartup } from './startup-bench.js';
import { measureTui } from './tui-bench.js';
import { inFreshProcess } from './fresh-process.js';
import type { ValidationFigures } from './validation-bench.js';

/**
 * `npm run bench`: the engine against the lower bound, against a level-barrier
 * scheduler and against its own goals. Every figure is a ratio to a baseline
 * measured in this same run, or an absolute time printed for information.
 */

const USAGE = `usage: node --expose-gc dist/bench/index.js [--seed N] [--plans N] [--quick] [--out FILE] [--update-docs]
  --seed N       seed of the random plans and documents (default 1); printed either way
  --plans N      number of random plans for P1/P2 (default 1200, quick 240)
  --quick        fewer plans and repetitions, for a smoke run; writes bench/results.local.json
  --out FILE     where to write the results (default bench/results.json)
  --update-docs  also put the table into README.md and docs/performance.md`;

/** Where the table goes in the docs (--update-docs). */
const DOCS = ['README.md', 'docs/performance.md'];
const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

const root = path.resolve(import.meta.dirname, '..', '..');

function options() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      plans: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      'update-docs': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const seed = Number(values.seed);
  const plans = Number(values.plans ?? (values.quick ? 240 : 1200));
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got \`${values.seed}\``);
  if (!Number.isSafeInteger(plans) || plans < 1) throw new Error(`--plans must be a positive integer, got \`${values.plans}\``);
  const out = path.resolve(values.out ?? path.join(root, 'bench', values.quick ? 'results.local.json' : 'results.json'));
  return { seed, plans, quick: values.quick, out, updateDocs: values['update-docs'] };
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

async function section<T>(name: string, run: () => T | Promise<T>): Promise<T> {
  process.stderr.write(`${name} … `);
  collectGarbage();
  const started = performance.now();
  const value = await run();
  process.stderr.write(`${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return value;
}

async function main(): Promise<void> {
  const { seed, plans, quick, out, updateDocs } = options();
  const started = performance.now();
  const loadBefore = loadavg()[0]!;
  console.log(`ksa bench · seed ${seed} · ${plans} plans${quick ? ' · quick' : ''} · node ${process.version} · ${cpus().length} CPUs · load ${loadBefore.toFixed(2)}`);
  if (!hasGc()) console.log('note: run with --expose-gc (npm run bench does) for clean heap and timing figures');

  // Timing-sensitive parts first, on a fresh heap.
  const overhead = await section('P3 scheduler overhead', () => measureOverhead(seed, quick));
  // Each in its own process: a timing must not depend on the modules other sections loaded.
  const validation = await section('P4 validation', () => inFreshProcess<ValidationFigures>('validation-bench.js', 'measureValidation', [seed, quick, false]));
  const validationWithExpressions = await section('P4e validation with expressions', () => inFreshProcess<ValidationFigures>('validation-bench.js', 'measureValidation', [seed, quick, true]));
  const memory = await section('P4m heap per step', () => measureMemory(seed));
  const quality = await section(`P1/P2 ${plans} simulated plans`, () => measureScheduleQuality(seed, plans));
  const store = await section('P5 durable store', () => measureStore(quick ? 1 : 5));
  const agent = await section('P6 plan-and-execute vs tool loop', () => measureAgent(seed));
  const tui = await section('P7 chat TUI keystroke to frame', () => measureTui());
  const fleet = await section('P8 steps through workers on Redis', () => measureFleet());
  const startup = await section('P9 startup', () => measureStartup(quick ? 3 : 9));
  const results: BenchResults = { quality, overhead, validation, validationWithExpressions, memory, store, agent, tui, fleet, startup };

  const table = formatTable(tableRows(results));
  console.log();
  console.log(table);
  const info = {
    commit: git(['rev-parse', 'HEAD']) ?? 'unknown',
    dirty: (git(['status', '--porcelain']) ?? '') !== '',
    seed,
    quick,
    node: process.version,
    platform: `${platform()} ${process.arch}`,
    cpus: cpus().length,
    load: { before: round(loadBefore, 2), after: round(loadavg()[0]!, 2) },
    date: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
  };
  writeFileSync(out, `${JSON.stringify(resultsJson(results, info), null, 2)}\n`);
  console.log();
  console.log(`seed ${seed} · commit ${info.commit.slice(0, 12)}${info.dirty ? ' (with uncommitted changes)' : ''} · ${(info.durationMs / 1000).toFixed(0)} s · written to ${path.relative(process.cwd(), out) || out}`);
  console.log(`reproduce: npm run bench -- --seed ${seed}${quick ? ' --quick' : ''}`);
  if (updateDocs) {
    const context = `${info.date.slice(0, 10)} · commit ${info.commit.slice(0, 12)}${info.dirty ? '+' : ''} · seed ${seed} · node ${info.node} · ${info.cpus} CPUs · load ${info.load.before.toFixed(1)}`;
    for (const file of DOCS) replaceBetweenMarkers(path.join(root, file), `${table}\n\n${context}`);
    console.log(`updated ${DOCS.join(' and ')}`);
  }
}

function replaceBetweenMarkers(file: string, content: string): void {
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${file} has no ${START} … ${END} markers for the table`);
  writeFileSync(file, `${text.slice(0, from + START.length)}\n${content}\n${text.slice(to)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
