import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { loadModelConfig, type ModelConfig } from '../../src/agent/index.js';
import { ConversationStore, type Conversation } from '../../src/store/index.js';
import { startFakeOpenAI, type FakeOpenAIServer } from './fake-openai-server.js';

export type ChatHttpRig = {
  /** One fake OpenAI-compatible server for the file, reset before each test. */
  readonly server: FakeOpenAIServer;
  /** A fresh KSA_HOME per test, removed after it. */
  readonly home: string;
  readonly config: ModelConfig;
  /** A fresh conversation in `home`, closed after the test. */
  readonly conversation: Conversation;
};

/** The set-up every chat-over-HTTP test file shares; call it at the top of the file. */
export function useChatHttpRig(prefix: string): ChatHttpRig {
  const rig = {} as { server: FakeOpenAIServer; home: string; config: ModelConfig; conversation: Conversation };
  beforeAll(async () => {
    rig.server = await startFakeOpenAI();
  });
  afterAll(async () => {
    await rig.server.close();
  });
  beforeEach(async () => {
    rig.server.reset();
    rig.home = await mkdtemp(path.join(tmpdir(), prefix));
    rig.config = await loadModelConfig({ OPENAI_BASE_URL: rig.server.baseURL, KSA_MODEL: 'fake-model' }, rig.home);
    rig.conversation = await new ConversationStore(rig.home).create();
  });
  afterEach(async () => {
    await rig.conversation.close();
    await rm(rig.home, { recursive: true, force: true });
  });
  return rig;
}
