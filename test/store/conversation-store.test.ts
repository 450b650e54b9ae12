import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConversationStore, SEGMENT_SIZE, SessionNotFoundError, type Conversation } from '../../src/store/index.js';
import { createTempDir } from '../helpers/tool-context.js';
import { chainPlan, observeWrites, sleep } from '../helpers/store-fixtures.js';

// Chat sessions: session.json + message segments of SEGMENT_SIZE; appending
// touches only the last segment; reopening keeps the history; one writer per session.

let home: string;
let cleanup: () => Promise<void>;
let store: ConversationStore;
const open: Conversation[] = [];
beforeEach(async () => {
  ({ dir: home, cleanup } = await createTempDir('ksa-store-chat-'));
  store = new ConversationStore(home);
});
afterEach(async () => {
  for (const conversation of open.splice(0)) await conversation.close().catch(() => {});
  await cleanup();
});

async function created(options?: { title?: string }): Promise<Conversation> {
  const conversation = await store.create(options);
  open.push(conversation);
  return conversation;
}

function appendUsers(conversation: Conversation, from: number, to: number): void {
  for (let i = from; i < to; i++) conversation.append({ kind: 'user', text: `message ${i}` });
}

describe('ConversationStore', () => {
  it('every kind of message round-trips, linked runs are recorded, the title comes from the first user message', async () => {
    const conversation = await created();
    expect(conversation.info.title).toBe('New session');
    conversation.append({ kind: 'assistant', text: 'Hi, what shall we deploy?' });
    conversation.append({ kind: 'user', text: 'deploy my app in ./shop to my kind cluster, on port 9090 please, and run the smoke tests after that' });
    conversation.append({ kind: 'user', text: 'second user message' });
    conversation.append({ kind: 'tool_call', toolCallId: 't1', tool: 'shell', input: { command: 'ls' } });
    conversation.append({ kind: 'tool_result', toolCallId: 't1', tool: 'shell', output: { stdout: 'a b' }, isError: false });
    conversation.append({ kind: 'plan', planId: 'p1', plan: chainPlan('Deploy shop') });
    conversation.append({ kind: 'approval', planId: 'p1', decision: 'approved', runId: 'run-1' });
    conversation.append({ kind: 'run', runId: 'run-1', status: 'succeeded' });
    conversation.append({ kind: 'reflection', runId: 'run-1', reflection: { success: true, summary: 'ok', issues: [], suggestions: ['add a health check'] } });
    conversation.linkRun('run-2');
    expect(conversation.info.title).toBe('deploy my app in ./shop to my kind cluster, on port 9090 please, and run the smok'.slice(0, 80));
    expect(conversation.info.title.length).toBeLessThanOrEqual(80);
    const id = conversation.id;
    await conversation.close();
    open.length = 0;

    const again = await store.open(id);
    open.push(again);
    const messages = await again.messages();
    expect(messages.map((message) => message.kind)).toEqual(['assistant', 'user', 'user', 'tool_call', 'tool_result', 'plan', 'approval', 'run', 'reflection']);
    expect(new Set(messages.map((message) => message.id)).size).toBe(messages.length);
    expect(again.info.runIds).toEqual(['run-1', 'run-2']);
    expect(again.info.messageCount).toBe(9);
    expect(again.info.title).toMatch(/^deploy my app in \.\/shop/);
  });

  it('a given title is kept', async () => {
    const conversation = await created({ title: 'Ops' });
    conversation.append({ kind: 'user', text: 'hello' });
    expect(conversation.info.title).toBe('Ops');
  });

  it(`more than SEGMENT_SIZE (${SEGMENT_SIZE}) messages spread over segment files; reopening keeps all of them in order`, async () => {
    const total = SEGMENT_SIZE * 2 + 37;
    const conversation = await created();
    appendUsers(conversation, 0, total);
    const id = conversation.id;
    await conversation.close();
    open.length = 0;

    const dir = path.join(home, 'conversations', id);
    const segments = (await readdir(dir)).filter((name) => name.startsWith('messages-')).sort();
    expect(segments).toEqual(['messages-000001.json', 'messages-000002.json', 'messages-000003.json']);
    const sizes = await Promise.all(segments.map(async (name) => JSON.parse(await readFile(path.join(dir, name), 'utf8')).messages.length as number));
    expect(sizes).toEqual([SEGMENT_SIZE, SEGMENT_SIZE, 37]);

    const again = await store.open(id);
    open.push(again);
    const all = await again.messages();
    expect(all.map((message) => (message.kind === 'user' ? message.text : ''))).toEqual(Array.from({ length: total }, (_, i) => `message ${i}`));
    const last = await again.messages(SEGMENT_SIZE + 5);
    expect(last).toHaveLength(SEGMENT_SIZE + 5);
    expect(last[0]).toMatchObject({ text: `message ${total - SEGMENT_SIZE - 5}` });
    // Appending after reopen continues the history.
    appendUsers(again, total, total + SEGMENT_SIZE);
    expect(await again.messages()).toHaveLength(total + SEGMENT_SIZE);
    expect(again.info.messageCount).toBe(total + SEGMENT_SIZE);
  });

  it('appending is O(1): only the last segment and the session file are written, not the history', async () => {
    const conversation = await created();
    appendUsers(conversation, 0, SEGMENT_SIZE * 3);
    await conversation.flush();
    const writes = observeWrites();
    try {
      for (let i = 0; i < 20; i++) {
        conversation.append({ kind: 'assistant', text: `late ${i}` });
        await sleep(2);
      }
      await conversation.flush();
      const dir = conversation.dir;
      expect(writes.count(path.join(dir, 'messages-000001.json'))).toBe(0);
      expect(writes.count(path.join(dir, 'messages-000002.json'))).toBe(0);
      expect(writes.count(path.join(dir, 'messages-000003.json'))).toBe(0);
      expect(writes.count(path.join(dir, 'messages-000004.json'))).toBeGreaterThanOrEqual(1);
      expect(writes.count(path.join(dir, 'messages-000004.json'))).toBeLessThan(20);
    } finally {
      writes.restore();
    }
  });

  it('list() is newest-updated first; latestSession() is the most recently used session with messages, else the most recent; prefixes open', async () => {
    const first = await created();
    await first.flush();
    await sleep(5);
    const second = await created();
    await second.flush();
    expect((await store.list()).map((session) => session.id)).toEqual([second.id, first.id]);
    // Both empty (chats quit before anything was said): the most recent.
    expect((await store.latestSession())?.id).toBe(second.id);
    await sleep(5);
    second.append({ kind: 'user', text: 'the second one' });
    await second.flush();
    expect((await store.latestSession())?.id).toBe(second.id);
    await sleep(5);
    first.append({ kind: 'user', text: 'back to the first one' });
    await first.flush();
    const listed = await store.list();
    expect(listed.map((session) => session.id)).toEqual([first.id, second.id]);
    expect(listed[0]).toMatchObject({ title: 'back to the first one', messageCount: 1 });
    expect((await store.latestSession())?.id).toBe(first.id);
    await sleep(5);
    const third = await created();
    await third.flush();
    expect((await store.list())[0]!.id).toBe(third.id);
    // An empty session (a chat quit before anything was said) does not hide the conversation before it.
    expect((await store.latestSession())?.id).toBe(first.id);

    await first.close();
    const reopened = await store.open(first.id.slice(0, first.id.length - 1));
    open.push(reopened);
    expect(reopened.id).toBe(first.id);
  });

  it('the first message reaches the index without a flush; an index left behind by a killed process is put right when the session is reopened', async () => {
    const killed = await created();
    killed.append({ kind: 'user', text: 'deploy the shop' });
    // No flush, no close: as a process killed right after the message.
    await vi.waitFor(async () => expect(await store.find(killed.id)).toMatchObject({ title: 'deploy the shop', messageCount: 1 }));
    killed.append({ kind: 'assistant', text: 'On it.' });
    killed.append({ kind: 'user', text: 'and test it' });
    await sleep(100);
    expect(await store.find(killed.id)).toMatchObject({ messageCount: 1 });
    await killed.close();
    const indexFile = path.join(home, 'conversations', 'index.json');
    const index = JSON.parse(await readFile(indexFile, 'utf8'));
    for (const entry of index.entries) if (entry.id === killed.id) Object.assign(entry, { title: 'New session', messageCount: 0 });
    await writeFile(indexFile, JSON.stringify(index));
    const reopened = await store.open(killed.id);
    await reopened.close();
    expect(await store.find(killed.id)).toMatchObject({ title: 'deploy the shop', messageCount: 3 });
  });

  it('a plan an older ksa stored with a secret input in clear is read with *** there, and written back so; the rest is kept', async () => {
    const first = await created();
    first.append({ kind: 'user', text: 'deploy the secret app' });
    await first.close();
    // The shape ksa wrote before it masked secret inputs when storing a plan (an edited plan).
    const segmentFile = path.join(home, 'conversations', first.id, 'messages-000001.json');
    const segment = JSON.parse(await readFile(segmentFile, 'utf8'));
    const plan = { goal: 'Chat deploy', inputs: { dbPassword: 'hunter2SECRETzz', port: '8080' }, steps: [{ id: 'one', dependsOn: [], tool: 'shell', args: { command: 'echo {{ inputs.dbPassword }} hunter2SECRETzz > pw.txt' } }] };
    segment.messages.push({ kind: 'plan', planId: 'p3-1e1', plan, changes: '~ inputs: dbPassword', revises: 'p3-1', id: 'm2-1', ts: '2026-12-06T05:58:32.100Z' });
    await writeFile(segmentFile, JSON.stringify(segment));

    const reopened = await store.open(first.id);
    open.push(reopened);
    const masked = { ...plan, inputs: { dbPassword: '***', port: '8080' }, steps: [{ ...plan.steps[0]!, args: { command: 'echo {{ inputs.dbPassword }} *** > pw.txt' } }] };
    expect((await reopened.messages()).at(-1)).toEqual({ kind: 'plan', planId: 'p3-1e1', plan: masked, changes: '~ inputs: dbPassword', revises: 'p3-1', id: 'm2-1', ts: '2026-12-06T05:58:32.100Z' });
    await reopened.flush();
    const onDisk = await readFile(segmentFile, 'utf8');
    expect(onDisk).not.toContain('hunter2SECRETzz');
    expect(JSON.parse(onDisk).messages.map((message: { kind: string }) => message.kind)).toEqual(['user', 'plan']);
  });

  it('a missing or corrupt session index is rebuilt from the session files', async () => {
    const first = await created();
    first.append({ kind: 'user', text: 'deploy the shop' });
    await first.close();
    const second = await created();
    await second.close();
    const indexFile = path.join(home, 'conversations', 'index.json');
    await rm(indexFile);
    expect((await store.list()).map((session) => session.id).sort()).toEqual([first.id, second.id].sort());
    expect((await store.list()).find((session) => session.id === first.id)).toMatchObject({ title: 'deploy the shop', messageCount: 1 });
    await writeFile(indexFile, '{"version":1,"entries":[{"id":');
    expect((await store.list()).map((session) => session.id).sort()).toEqual([first.id, second.id].sort());
  });

  it('the session busy error names the command that holds it (ksa ask, not always ksa chat), with advice for either', async () => {
    const asking = new ConversationStore(home, { command: 'ksa ask' });
    const conversation = await asking.create();
    try {
      await expect(store.open(conversation.id)).rejects.toThrow(
        new RegExp(`^session ${conversation.id} is open in another ksa \\(process ${process.pid}, ksa ask \\(session ${conversation.id}\\)\\); let that one end first, or start a new session \\(without --session or --continue\\)$`),
      );
    } finally {
      await conversation.close();
    }
  });

  it('a session that is open cannot be opened a second time; after close it can', async () => {
    const conversation = await created();
    await expect(store.open(conversation.id)).rejects.toThrow(/session .* is open in another ksa \(process \d+/);
    await conversation.close();
    const again = await store.open(conversation.id);
    open.push(again);
    expect(again.id).toBe(conversation.id);
  });

  it('an unknown session id is a SessionNotFoundError; an empty store has no latest session', async () => {
    await expect(store.open('nope')).rejects.toBeInstanceOf(SessionNotFoundError);
    expect((await store.latestSession())?.id).toBeUndefined();
    expect(await store.list()).toEqual([]);
  });

  it('a session chosen before it exists (the chat draws its id first) is created under that id; find and latestSession read the index only', async () => {
    const id = ConversationStore.newId(new Date('2026-12-02T10:00:00Z'));
    expect(id).toMatch(/^20261202-[0-9a-f]{6}$/);
    expect(new Set(Array.from({ length: 200 }, () => ConversationStore.newId())).size).toBeGreaterThan(195);
    const conversation = await store.create({ id, workspace: '/w' });
    appendUsers(conversation, 0, 2);
    await conversation.close();
    expect(await store.find(id.slice(0, 12))).toMatchObject({ id, messageCount: 2 });
    expect(await store.latestSession()).toMatchObject({ id, messageCount: 2 });
    await expect(store.find('nope')).rejects.toBeInstanceOf(SessionNotFoundError);
  });

  it('a corrupt segment is moved aside with one warning; the session still opens and appends', async () => {
    const warnings: string[] = [];
    const warned = new ConversationStore(home, { onWarning: (message) => warnings.push(message) });
    const conversation = await warned.create();
    appendUsers(conversation, 0, 3);
    const id = conversation.id;
    await conversation.close();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(home, 'conversations', id, 'messages-000001.json'), '{"version":1,"messages":[{"kind":"user"');
    const again = await warned.open(id);
    open.push(again);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/messages-000001\.json\.corrupt-/);
    again.append({ kind: 'user', text: 'after repair' });
    expect((await again.messages()).map((message) => (message.kind === 'user' ? message.text : ''))).toEqual(['after repair']);
  });

  it('a segment written just before a crash (session.json not yet updated) is not overwritten on reopen', async () => {
    const conversation = await created();
    appendUsers(conversation, 0, SEGMENT_SIZE);
    const id = conversation.id;
    await conversation.close();
    open.length = 0;
    // What a crash between the two writes leaves: segment 2 on disk, session.json still at 1 segment.
    const { writeFile } = await import('node:fs/promises');
    const ts = new Date().toISOString();
    const orphan = Array.from({ length: 3 }, (_, i) => ({ id: `x${i}`, ts, kind: 'user', text: `written before the crash ${i}` }));
    await writeFile(path.join(home, 'conversations', id, 'messages-000002.json'), JSON.stringify({ version: 1, messages: orphan }));

    const again = await store.open(id);
    open.push(again);
    again.append({ kind: 'user', text: 'after the crash' });
    await again.flush();
    const texts = (await again.messages()).map((message) => (message.kind === 'user' ? message.text : ''));
    expect(texts.slice(SEGMENT_SIZE)).toEqual(['written before the crash 0', 'written before the crash 1', 'written before the crash 2', 'after the crash']);
  });
});
