import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';

// Hostile plans: every file in test/corpus/plans/ is one malformed plan, and `ksa validate`
// must refuse each with exit 2 and one clear line that says where (file, line or path),
// never a stack trace or an "unexpected error". A `# expect: …` first line names what the
// message must contain. Huge plans (10 MB, 100k steps, deep nesting) are generated below.

const CORPUS = path.join(import.meta.dirname, 'plans');
const timings: [string, number][] = [];

async function validate(file: string, extra: string[] = []) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (out += chunk));
  const started = performance.now();
  const code = await main(['node', 'ksa', 'validate', file, ...extra], { stdout, stderr, stdin: new PassThrough(), env: { NO_COLOR: '1' }, cwd: process.cwd() });
  timings.push([path.basename(file), performance.now() - started]);
  return { code, out };
}

function expectRefused({ code, out }: { code: number; out: string }, file: string) {
  expect(code, out).toBe(2);
  // The first line names the file, and a line or a path inside it.
  const first = out.split('\n')[0]!;
  expect(first, out).toContain(file);
  expect(out, out).not.toMatch(/unexpected error|\n\s+at .+:\d+:\d+|Error:\s/);
  expect(out.length, out.slice(0, 500)).toBeLessThan(20_000);
}

const cases = (await readdir(CORPUS)).sort();

describe('malformed plans corpus', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('%s: exit 2 with where and what', async (name) => {
    const file = path.join(CORPUS, name);
    const result = await validate(file);
    expectRefused(result, file);
    const expected = /^# expect: (.+)$/m.exec(await readFile(file, 'utf8'))?.[1];
    if (expected !== undefined) expect(result.out).toContain(expected);
    else expect(result.out).toMatch(/syntax error|empty|\(plan\)|must|expected/);
  });
});

describe('generated huge plans', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ksa-corpus-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    // Speed is measured in bench/; this only reports what the corpus took.
    const slowest = [...timings].sort((a, b) => b[1] - a[1]).slice(0, 5);
    console.log(`validate timings: ${timings.length} cases, slowest ${slowest.map(([name, ms]) => `${name} ${Math.round(ms)}ms`).join(', ')}`);
  });

  // JSON: the YAML parser alone needs seconds for 5 MB; bench/ measures what YAML costs.
  const chain = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `s${i}`, tool: 'sleep', args: { ms: 1 }, dependsOn: i === 0 ? [] : [`s${i - 1}`] }));

  it('100k steps over the default limit of 200', async () => {
    const file = path.join(dir, 'many-steps.json');
    await writeFile(file, JSON.stringify({ goal: 'x', steps: chain(100_000) }));
    const result = await validate(file);
    expectRefused(result, file);
    expect(result.out).toMatch(/steps: .*100000 steps.*200|steps: .*200.*100000/);
  });

  it('100k steps within --max-steps, with a cycle at the end and an unknown dependency', async () => {
    const file = path.join(dir, 'many-steps-cycle.json');
    const steps = chain(100_000);
    steps[500]!.dependsOn = ['s-none'];
    steps[99_997]!.dependsOn = ['s99999'];
    await writeFile(file, JSON.stringify({ goal: 'x', steps }));
    const result = await validate(file, ['--max-steps', '100000']);
    expectRefused(result, file);
    expect(result.out).toContain('steps[500].dependsOn[0]: unknown step "s-none"');
    expect(result.out).toMatch(/cycle: s99997 -> s99999 -> s99998 -> s99997|cycle: s99999 -> s99998 -> s99997 -> s99999|cycle: s99998 -> s99997 -> s99999 -> s99998/);
  });

  it('a 10 MB plan with a wrong field deep in it', async () => {
    const file = path.join(dir, 'ten-megabytes.yaml');
    const filler = 'x'.repeat(10 * 1024 * 1024);
    await writeFile(file, `goal: x\ninputs:\n  blob: "${filler}"\nsteps:\n  - id: a\n    tool: shell\n    args: { command: echo, shell: zsh }\n`);
    const result = await validate(file);
    expectRefused(result, file);
    expect(result.out).toContain('steps[0].args.shell');
  });

  it('10 MB of nested flow collections (the YAML parser would use gigabytes)', async () => {
    const file = path.join(dir, 'garbage.yaml');
    await writeFile(file, `goal: x\nsteps: ${'{['.repeat(5 * 1024 * 1024)}`);
    const result = await validate(file);
    expectRefused(result, file);
    expect(result.out).toContain('garbage.yaml:2:208: the document nests more than 200 levels deep');
  });

  it('brackets inside quoted strings do not count as nesting', async () => {
    const file = path.join(dir, 'quoted-brackets.yaml');
    await writeFile(file, `goal: "${'['.repeat(500)}"\nsteps:\n  - id: a\n    tool: nope\n`);
    const result = await validate(file);
    expectRefused(result, file);
    expect(result.out).toContain('steps[0].tool: unknown tool "nope"');
  });

  it('JSON nested 100k levels deep', async () => {
    const file = path.join(dir, 'deep.json');
    await writeFile(file, `{"goal":"x","steps":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expectRefused(await validate(file), file);
  });

  it('YAML block mappings nested 5000 levels deep', async () => {
    const file = path.join(dir, 'deep.yaml');
    await writeFile(file, `goal: x\nsteps:\n  - id: a\n    tool: sleep\n    args:\n${Array.from({ length: 5000 }, (_, i) => `${' '.repeat(6 + i)}k:\n`).join('')}`);
    expectRefused(await validate(file), file);
  });
});
