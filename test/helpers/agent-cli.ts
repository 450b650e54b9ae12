import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'vitest';
import { createCliSandbox, nonEmptyLines, runKsa, stackTraceLines, type CliResult, type CliSandbox, type KsaOptions } from './cli.js';
import { startFakeOpenAI, type FakeOpenAIServer } from './fake-openai-server.js';

/** End-to-end agent tests: a temp KSA_HOME and workspace, a fake model server, and `ksa` pointed at it. */

export const FAKE_KEY = 'sk-fake-cli-3f9a7c21d4';

export type AgentCli = {
  readonly sandbox: CliSandbox;
  readonly server: FakeOpenAIServer;
  /** Runs ksa in the workspace with OPENAI_BASE_URL/OPENAI_API_KEY/KSA_MODEL set to the fake server. */
  ksa(args: readonly string[], options?: KsaOptions): Promise<CliResult>;
  /** Writes KSA_HOME/config.json. */
  writeConfig(config: Record<string, unknown>): Promise<void>;
  cleanup(): Promise<void>;
};

export async function startAgentCli(): Promise<AgentCli> {
  const sandbox = await createCliSandbox('ksa-agent-cli-');
  const server = await startFakeOpenAI();
  return {
    sandbox,
    server,
    ksa: (args, options = {}) =>
      runKsa(args, {
        cwd: sandbox.dir,
        home: sandbox.home,
        ...options,
        env: { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: FAKE_KEY, KSA_MODEL: 'fake-model', KSA_MODEL_TIMEOUT_MS: undefined, ...options.env },
      }),
    writeConfig: (config) => writeFile(path.join(sandbox.home, 'config.json'), JSON.stringify(config)),
    cleanup: async () => {
      await server.close();
      await sandbox.cleanup();
    },
  };
}

/** A fresh AgentCli for one test, cleaned up when the test ends (works in concurrent tests). */
export async function agentCliFor(context: TestContext): Promise<AgentCli> {
  const cli = await startAgentCli();
  context.onTestFinished(() => cli.cleanup());
  return cli;
}

/** The lines of stderr that ksa wrote as its own messages (`ksa: …`). */
export function ksaLines(stderr: string): string[] {
  return nonEmptyLines(stderr).filter((line) => line.startsWith('ksa:'));
}

/** A one-line failure: exactly one `ksa:` line, no stack trace, no "unexpected error". Returns that line. */
export function singleFailureLine(result: CliResult): string {
  const lines = ksaLines(result.stderr);
  if (lines.length !== 1) throw new Error(`expected exactly one "ksa:" line, got ${lines.length}:\n${result.stderr}`);
  const stack = stackTraceLines(result.stderr + result.stdout);
  if (stack.length) throw new Error(`stack trace in the output:\n${stack.join('\n')}`);
  if (/unexpected error/i.test(result.stderr)) throw new Error(`reported as an unexpected error:\n${result.stderr}`);
  return lines[0]!;
}
