import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runChatTurn, type TurnEvent } from '../../src/agent/index.js';
import { resumeProposal } from '../../src/agent/session-runs.js';
import { ConversationStore, RunStore, type Conversation } from '../../src/store/index.js';
import { tools } from '../helpers/agent-fixtures.js';
import { streamingModel } from '../helpers/mock-model.js';
import { deadPid, newRunRecord } from '../helpers/store-fixtures.js';

// The chat's hints name `ksa cancel <run> --redis <url>` unless the Redis the CLI configured for the chat
// (KSA_REDIS_URL or config.json's "redis") is that one: the agent is told it, and reads no environment itself.

const RECORDED = 'redis://queue-host:6379';

let home: string;
let runs: RunStore;
let conversation: Conversation;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'ksa-configured-redis-'));
  runs = new RunStore(home);
  conversation = await new ConversationStore(home).create();
  // What the test process's environment says must not count: only what the chat is given.
  vi.stubEnv('KSA_REDIS_URL', RECORDED);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await conversation.close();
  await rm(home, { recursive: true, force: true });
});

/** A run that sent its steps through RECORDED, whose process died; `cancelling`: while a cancel rolled it back. */
async function deadWorkersRun(runId: string, cancelling: boolean): Promise<void> {
  const run = await runs.create({ ...newRunRecord(runId, { workspace: home }), redis: RECORDED }, 'ksa run plan.yaml');
  run.setStatus('running');
  if (cancelling) run.record.state.cancelStartedAt = new Date().toISOString();
  await run.flush();
  const lockFile = path.join(home, 'runs', runId, 'owner.lock');
  const owner = JSON.parse(await readFile(lockFile, 'utf8')) as Record<string, unknown>;
  await writeFile(lockFile, JSON.stringify({ ...owner, pid: await deadPid() }));
}

async function cancelRunResult(runId: string, configuredRedis?: string): Promise<unknown> {
  const model = streamingModel([{ toolCalls: [{ name: 'cancel_run', input: { runId } }] }, { text: 'ok' }]);
  const events: TurnEvent[] = [];
  await runChatTurn({ model, tools, runs, conversation, context: '', text: 'cancel it', maxRetries: 0, onEvent: (event) => events.push(event), ...(configuredRedis ? { configuredRedis } : {}) });
  const result = events.find((event) => event.type === 'tool-result');
  return result?.type === 'tool-result' ? (result.output as { result: string }).result : undefined;
}

describe("the chat's hints for a run on workers", () => {
  it('cancel_run names --redis unless the chat was configured with that Redis', async () => {
    const runId = '20260101-000000-redis';
    await deadWorkersRun(runId, false);
    expect(await cancelRunResult(runId)).toMatch(new RegExp(`roll it back with: ksa cancel ${runId} --redis ${RECORDED}$`));
    expect(await cancelRunResult(runId, 'redis://:secret@queue-host:6379/0')).toMatch(new RegExp(`roll it back with: ksa cancel ${runId}$`));
  });

  it("/resume of a run whose cancel was cut short names --redis unless the chat was configured with that Redis", async () => {
    const runId = '20260101-000001-redis';
    await deadWorkersRun(runId, true);
    const finish = `Run ${runId} was being cancelled when its process stopped, so it is not resumed; finish the cancel (its rollback) with: ksa cancel ${runId}`;
    expect(await resumeProposal(runs, runId)).toBe(`${finish} --redis ${RECORDED}`);
    expect(await resumeProposal(runs, runId, undefined, {}, RECORDED)).toBe(finish);
  });

  it('/resume without workers refuses a run that sent its steps to them, in one sentence naming the run', async () => {
    const runId = '20260101-000002-redis';
    await deadWorkersRun(runId, false);
    expect(await resumeProposal(runs, runId, undefined, {}, RECORDED)).toBe(
      `Run ${runId} sent its steps to workers through ${RECORDED}; resume it there: ksa resume ${runId} --redis ${RECORDED}. Nothing was run (a chat started with KSA_REDIS_URL naming that Redis resumes it too).`,
    );
  });
});
