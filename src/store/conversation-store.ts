import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { KsaError } from '../planning/ksa-error.js';
import { ensurePrivateDir } from './paths.js';
import { isRecord } from '../planning/values.js';
import { isInt, isString } from './plain-values.js';
import { createRedactor, type Redactor } from './redact.js';
import { RunBusyError, RunLock } from './run-lock.js';
import { SharedIndex } from './shared-index.js';
import { StoredDocument } from './stored-document.js';
import { maskStoredPlanSecrets, withStoredMask } from './stored-plan-secrets.js';
import type { Message, NewMessage, Segment } from './conversation-record.js';
import type { SessionMeta, SessionSummary } from './session-record.js';

/** Messages per segment file. */
export const SEGMENT_SIZE = 200;

// The records' schemas load when a file is read, not with the store: the chat creates its stores
// before its first frame and reads them after it.
const sessionRecords = () => import('./session-record.js');
const messageRecords = () => import('./conversation-record.js');

export class SessionNotFoundError extends KsaError {
  constructor({ id, reason }: { id: string; reason?: string }) {
    super({ name: 'SessionNotFoundError', message: reason ?? `no session "${id}" (list them with /sessions in the chat)` });
  }
}

export type ConversationStoreOptions = {
  readonly onWarning?: (message: string) => void;
  readonly secrets?: readonly string[];
  /** Who holds the sessions it opens, as another ksa is told (default: ksa chat). */
  readonly command?: string;
};

/** Chat sessions on disk: `conversations/<id>/session.json` plus message segments, and a shared index. */
export class ConversationStore {
  readonly dir: string;
  private readonly index: SharedIndex<SessionSummary>;
  private readonly warn: (message: string) => void;
  private hiding: Redactor;
  private readonly command: string;

  constructor(
    readonly home: string,
    options: ConversationStoreOptions = {},
  ) {
    this.dir = path.join(home, 'conversations');
    this.warn = options.onWarning ?? (() => {});
    this.hiding = createRedactor(options.secrets ?? []);
    this.command = options.command ?? 'ksa chat';
    this.index = new SharedIndex<SessionSummary>({
      dir: this.dir,
      entrySchema: async () => (await sessionRecords()).SessionSummarySchema,
      plainEntry: plainSessionSummary,
      key: (session) => session.id,
      onWarning: this.warn,
      // Read at each write: secrets added later (addSecrets) are hidden too.
      replacer: (_key, value) => (typeof value === 'string' ? this.hiding.text(value) : value),
      itemFile: 'session.json',
      toEntry: async (data) => {
        const parsed = (await sessionRecords()).SessionMetaSchema.safeParse(data);
        return parsed.success ? toSummary(parsed.data) : undefined;
      },
    });
  }

  /** What the sessions opened from now on hide: what the chat shows of a plan before approval hides it too. */
  get redactor(): Redactor {
    return this.hiding;
  }

  /** More values never to write (e.g. the MCP servers' secrets, known once their config is read): for the sessions opened from now on. */
  addSecrets(secrets: Iterable<string>): void {
    this.hiding = this.hiding.with(secrets);
  }

  /**
   * A new session's id: its date and six random hex digits. A name, not a
   * secret: Math.random, because node:crypto's first use (OpenSSL starting,
   * 18 of Node's modules) costs the chat 10-30 ms before its first frame.
   */
  static newId(now = new Date()): string {
    const random = Math.floor(Math.random() * 0x1000000);
    return `${now.toISOString().slice(0, 10).replaceAll('-', '')}-${random.toString(16).padStart(6, '0')}`;
  }

  /** A new session; `id` when it was chosen before (ConversationStore.newId). */
  async create(options: { title?: string; workspace?: string; id?: string } = {}): Promise<Conversation> {
    const now = new Date();
    const id = options.id ?? ConversationStore.newId(now);
    const meta: SessionMeta = {
      version: 1,
      id,
      title: options.title ?? 'New session',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      messageCount: 0,
      segments: 1,
      runIds: [],
      ...(options.workspace ? { workspace: options.workspace } : {}),
    };
    const conversation = await this.openDir(id, meta);
    conversation.touch();
    await conversation.flush();
    return conversation;
  }

  /** Opens a session for writing; one process at a time. */
  async open(id: string): Promise<Conversation> {
    const conversation = await this.openDir((await this.find(id)).id, undefined);
    conversation.markIndexStale();
    return conversation;
  }

  /** The session with this id or unique id prefix, from the index (nothing opened). */
  async find(id: string): Promise<SessionSummary> {
    const sessions = await this.list();
    const exact = sessions.find((session) => session.id === id);
    if (exact) return exact;
    const matches = sessions.filter((session) => session.id.startsWith(id));
    if (matches.length > 1) {
      const shown = matches.slice(0, 3).map((session) => session.id).join(', ');
      throw new SessionNotFoundError({ id, reason: `"${id}" matches ${matches.length} sessions (${shown}${matches.length > 3 ? ', …' : ''}); give more of the id` });
    }
    if (!matches[0]) throw new SessionNotFoundError({ id });
    return matches[0];
  }

  /**
   * What `--continue` continues: the most recently used session with messages, else the most recent one.
   * A chat quit before anything was said leaves an empty session: it does not hide the conversation before it.
   */
  async latestSession(): Promise<SessionSummary | undefined> {
    const sessions = await this.list();
    return sessions.find((session) => session.messageCount > 0) ?? sessions[0];
  }

  /** The workspace a session was started in, read from its file without opening it; undefined when it records none. */
  async workspaceOf(id: string): Promise<string | undefined> {
    const data: unknown = await readFile(path.join(this.dir, id, 'session.json'), 'utf8')
      .then((text) => JSON.parse(text) as unknown)
      .catch(() => undefined);
    return isRecord(data) && isString(data.workspace) ? data.workspace : undefined;
  }

  /** Newest first. */
  async list(): Promise<SessionSummary[]> {
    // ISO timestamps order as plain strings; localeCompare would start ICU's collator for them.
    return (await this.index.read()).sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  }

  /** @internal */
  updateIndex(meta: SessionMeta): Promise<void> {
    return this.index.upsert(toSummary(meta));
  }

  private async openDir(id: string, fresh: SessionMeta | undefined): Promise<Conversation> {
    const sessionDir = path.join(this.dir, id);
    await ensurePrivateDir(sessionDir, { ownFolder: true });
    const lock = await RunLock.acquire(sessionDir, id, `${this.command} (session ${id})`).catch((error: unknown) => {
      if (RunBusyError.isInstance(error)) {
        throw new KsaError({
          name: 'SessionBusyError',
          message: `session ${id} is open in another ksa (process ${error.owner.pid}, ${error.owner.command}); let that one end first, or start a new session (without --session or --continue)`,
        });
      }
      throw error;
    });
    try {
      const meta = await StoredDocument.open<SessionMeta>({
        file: path.join(sessionDir, 'session.json'),
        schema: (await sessionRecords()).SessionMetaSchema,
        defaults: () => fresh ?? emptyMeta(id),
        onWarning: this.warn,
        replacer: this.hiding.replacer,
        pretty: true,
      });
      const conversation = new Conversation(this, sessionDir, meta, lock, this.hiding, this.warn);
      await conversation.loadLastSegment();
      return conversation;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }
}

/**
 * One open session. Appending touches only the last segment file, so the
 * 10,000th message costs what the 10th does; older segments load on demand.
 */
export class Conversation {
  private segments = new Map<number, StoredDocument<Segment>>();
  private lost: LostSegment[] = [];
  private seq = 0;

  constructor(
    private readonly store: ConversationStore,
    readonly dir: string,
    private readonly meta: StoredDocument<SessionMeta>,
    private readonly lock: RunLock,
    private readonly redactor: Redactor,
    private readonly warn: (message: string) => void,
  ) {}

  get id(): string {
    return this.meta.data.id;
  }

  get info(): Readonly<SessionMeta> {
    return this.meta.data;
  }

  /** A text as the session keeps it, secrets as ***: what may be shown to the model. */
  redact(text: string): string {
    return this.redactor.text(text);
  }

  append(message: NewMessage): Message {
    const full = { ...withStoredMask(message, this.redactor.replacer), id: `m${this.meta.data.messageCount + 1}-${(this.seq++).toString(36)}`, ts: new Date().toISOString() } as Message;
    const data = this.meta.data;
    let last = this.segments.get(data.segments - 1);
    if (last && last.data.messages.length >= SEGMENT_SIZE) {
      data.segments++;
      last = undefined;
    }
    const target = last ?? this.newSegment(data.segments - 1);
    target.data.messages.push(full);
    target.changed();
    data.messageCount++;
    if (message.kind === 'run') this.addRunId(message.runId);
    const titled = data.title === 'New session' && message.kind === 'user';
    if (titled) data.title = message.text.slice(0, 80);
    this.touch();
    // The index is written when the session is flushed (on quit). A session that gets its first
    // message or its title tells the index at once: killed before it quits, it is still the one
    // `--continue` opens and `/sessions` names, not an empty "New session" that hides it.
    if (data.messageCount === 1 || titled) void this.flushIndex();
    return full;
  }

  linkRun(runId: string): void {
    this.addRunId(runId);
    this.touch();
  }

  private addRunId(runId: string): void {
    if (!this.meta.data.runIds.includes(runId)) this.meta.data.runIds.push(runId);
  }

  /** Segment files found corrupt and moved aside since the session was opened: their messages are gone from it. */
  get setAside(): readonly LostSegment[] {
    return this.lost;
  }

  /** The last `limit` messages (all when omitted), oldest first. */
  async messages(limit = Infinity): Promise<Message[]> {
    const out: Message[] = [];
    for (let index = this.meta.data.segments - 1; index >= 0 && out.length < limit; index--) {
      const segment = await this.segment(index);
      out.unshift(...segment.data.messages.slice(-Math.min(limit - out.length, segment.data.messages.length)));
    }
    return out;
  }

  /**
   * @internal
   * Session and segment files are written by separate commits, so a crash can
   * leave a newer segment on disk than session.json knows: count from the
   * files, so a rollover never overwrites messages that made it to disk.
   */
  async loadLastSegment(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const onDisk = Math.max(0, ...names.map((name) => /^messages-(\d{6})\.json$/.exec(name)).filter((match) => match !== null).map((match) => Number(match[1])));
    const data = this.meta.data;
    if (onDisk > data.segments) {
      for (let index = data.segments; index < onDisk; index++) data.messageCount += (await this.segment(index)).data.messages.length;
      data.segments = onDisk;
      this.meta.changed();
    }
    await this.segment(data.segments - 1);
  }

  touch(): void {
    this.meta.data.updatedAt = new Date().toISOString();
    this.meta.changed();
    this.indexDirty = true;
  }

  private indexDirty = false;

  async flush(): Promise<void> {
    await Promise.all([this.meta.flush(), ...[...this.segments.values()].map((segment) => segment.flush())]);
    await this.flushIndex();
  }

  private indexWrite: Promise<void> | undefined;

  private async flushIndex(): Promise<void> {
    // One write at a time; changes made meanwhile go out in the next.
    while (this.indexWrite) await this.indexWrite;
    if (!this.indexDirty) return;
    this.indexDirty = false;
    this.indexWrite = this.store
      .updateIndex(this.meta.data)
      .catch((error: unknown) => this.warn(`could not update the session index: ${(error as Error).message}`))
      .finally(() => (this.indexWrite = undefined));
    await this.indexWrite;
  }

  /** @internal The index may be behind this session (its process was killed): it is written again when the session is next flushed. */
  markIndexStale(): void {
    this.indexDirty = true;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
      await Promise.all([this.meta.close(), ...[...this.segments.values()].map((segment) => segment.close())]);
    } finally {
      await this.lock.release();
    }
  }

  private async segment(index: number): Promise<StoredDocument<Segment>> {
    const cached = this.segments.get(index);
    if (cached) return cached;
    const file = this.segmentFile(index);
    const document = await StoredDocument.open<Segment>({
      file,
      schema: (await messageRecords()).SegmentSchema,
      defaults: () => ({ version: 1, messages: [] }),
      onSetAside: (backup) => {
        // Every segment but the last is full; the last holds what the count says is past the full ones.
        const { segments, messageCount } = this.meta.data;
        const messages = index < segments - 1 ? SEGMENT_SIZE : Math.max(0, messageCount - (segments - 1) * SEGMENT_SIZE);
        this.lost.push({ file, backup, messages });
      },
      afterSetAside: '; the messages it held are left out of the session',
      onWarning: this.warn,
      replacer: this.redactor.replacer,
    });
    // A session an older ksa wrote may keep a plan's secret inputs in clear: masked here, and written back so.
    if (maskStoredPlanSecrets(document.data.messages)) document.changed();
    this.segments.set(index, document);
    return document;
  }

  private newSegment(index: number): StoredDocument<Segment> {
    const existing = this.segments.get(index);
    if (existing) return existing;
    // A fresh segment starts empty; it is created on its first write.
    const document = StoredDocument.create<Segment>({
      file: this.segmentFile(index),
      data: { version: 1, messages: [] },
      replacer: this.redactor.replacer,
    });
    this.segments.set(index, document);
    return document;
  }

  private segmentFile(index: number): string {
    return path.join(this.dir, `messages-${String(index + 1).padStart(6, '0')}.json`);
  }
}

/** A segment of messages that could not be read, where it was kept, and how many messages it held. */
export type LostSegment = { readonly file: string; readonly backup: string | undefined; readonly messages: number };

function emptyMeta(id: string): SessionMeta {
  const now = new Date().toISOString();
  return { version: 1, id, title: 'New session', createdAt: now, updatedAt: now, messageCount: 0, segments: 1, runIds: [] };
}

/** An index entry as SessionSummarySchema returns it, when it plainly fits (`--continue` reads the index before the chat's first frame). */
export function plainSessionSummary(value: unknown): SessionSummary | undefined {
  if (!isRecord(value)) return undefined;
  const { id, title, createdAt, updatedAt, messageCount } = value;
  return isString(id) && isString(title) && isString(createdAt) && isString(updatedAt) && isInt(messageCount, 0) ? { id, title, createdAt, updatedAt, messageCount } : undefined;
}

function toSummary(meta: SessionMeta): SessionSummary {
  return { id: meta.id, title: meta.title, createdAt: meta.createdAt, updatedAt: meta.updatedAt, messageCount: meta.messageCount };
}
