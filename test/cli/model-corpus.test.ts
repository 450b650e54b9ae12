import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ksaLines, singleFailureLine } from '../helpers/agent-cli.js';
import { createCliSandbox, describeResult, runKsa, stackTraceLines, type CliResult } from '../helpers/cli.js';
import { loadCorpusCase, startReplayServer, type CorpusCase } from '../helpers/replay-server.js';

// Every recorded answer shape in test/corpus/models, replayed over real HTTP
// to the real binary: each either works or ends in one clear `ksa:` line with a
// contract exit code; never a stack trace, never an "unexpected error".

const CORPUS = path.resolve(import.meta.dirname, '../corpus/models');
const FILES = readdirSync(CORPUS).filter((file) => file.endsWith('.http')).sort();

const all = (corpus: CorpusCase, key: string) => corpus.metaAll.filter(([name]) => name === key).map(([, value]) => value);

function argsFor(kind: string): string[] {
  switch (kind) {
    case 'plan':
      return ['plan', 'write a marker file'];
    case 'ask':
      return ['ask', 'hello'];
    case 'check':
      return ['model', 'check', '--json'];
    case 'list':
      return ['model', 'list'];
    default:
      throw new Error(`unknown corpus kind "${kind}"`);
  }
}

function checkOutcome(corpus: CorpusCase, result: CliResult): void {
  const { meta } = corpus;
  const output = result.stdout + result.stderr;
  expect(stackTraceLines(output), describeResult(result)).toEqual([]);
  expect(output).not.toMatch(/unexpected error/i);
  if (meta.expect === 'ok') {
    expect(result.code, describeResult(result)).toBe(0);
    expect(ksaLines(result.stderr), describeResult(result)).toEqual([]);
    if (meta.kind === 'plan') expect(result.stdout).toContain('command: echo ok > marker.txt');
  } else if (meta.expect === 'fail') {
    expect(result.code, describeResult(result)).toBe(Number(meta.exit ?? 1));
    const line = singleFailureLine(result);
    if (meta.line) expect(line).toMatch(new RegExp(meta.line));
    // In a terminal both streams share the screen: a partial answer ends its line before the error's.
    if (result.stdout) expect(result.stdout.endsWith('\n'), describeResult(result)).toBe(true);
  } else {
    // "either": it works, or it fails with one clear line.
    if (result.code !== 0) {
      expect([1, 2], describeResult(result)).toContain(result.code);
      singleFailureLine(result);
    }
  }
  for (const text of all(corpus, 'stdout-has')) expect(result.stdout, describeResult(result)).toContain(text);
  for (const text of all(corpus, 'stdout-lacks')) expect(output, describeResult(result)).not.toContain(text);
  for (const text of all(corpus, 'stderr-has')) expect(result.stderr, describeResult(result)).toContain(text);
  // An answer that never ends by itself (a hang, an endless stream) is ended by ksa, not by the harness.
  expect(result.timedOut, describeResult(result)).toBe(false);
}

describe.concurrent('model answer corpus', () => {
  it('holds at least 25 recorded answer shapes', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(25);
  });

  it.for(FILES)('%s', async (file, context) => {
    const corpus = await loadCorpusCase(path.join(CORPUS, file));
    const server = await startReplayServer(corpus);
    const sandbox = await createCliSandbox('ksa-corpus-');
    context.onTestFinished(async () => {
      await server.close();
      await sandbox.cleanup();
    });
    const env: Record<string, string | undefined> = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'sk-corpus', KSA_MODEL: 'fake-model', KSA_MODEL_TIMEOUT_MS: undefined };
    for (const pair of all(corpus, 'env')) {
      const [key, value] = pair.split('=') as [string, string];
      env[key] = value;
    }
    const args = corpus.meta.args ? corpus.meta.args.split(' ') : argsFor(corpus.meta.kind!);
    const result = await runKsa(args, { cwd: sandbox.dir, home: sandbox.home, env, timeoutMs: 25_000 });
    // KSA_CORPUS_SHOW=1 prints what ksa said for each case.
    if (process.env.KSA_CORPUS_SHOW) console.log(`${file}\n${describeResult(result)}`);
    checkOutcome(corpus, result);

    const chat = server.requests.filter((request) => request.path.endsWith('/chat/completions'));
    if (corpus.meta.requests) expect(chat.length, describeResult(result)).toBe(Number(corpus.meta.requests));
    if (corpus.meta.formats) expect(chat.map((request) => request.format).join(','), describeResult(result)).toBe(corpus.meta.formats);
    if (corpus.meta.kind === 'check' && args.includes('--json')) {
      const report = JSON.parse(result.stdout) as { tools: boolean; chatMode: string };
      if (corpus.meta['check-tools']) expect(report.tools).toBe(corpus.meta['check-tools'] === 'yes');
      if (corpus.meta['check-mode']) expect(report.chatMode).toBe(corpus.meta['check-mode']);
    }
  });
});
