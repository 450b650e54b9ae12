// Deep imports: the chat's first frame needs these, not everything the store's index brings.
import { ConversationStore, type Conversation } from '../store/conversation-store.js';
import { ksaHome } from '../store/paths.js';
import { createRedactor, secretValues, type Redactor } from '../store/redact.js';
import { RunStore } from '../store/run-store.js';
import { writeWarning, type CliIO } from './io.js';
import { CliError } from './errors.js';

export type Stores = {
  readonly home: string;
  readonly runs: RunStore;
  readonly conversations: ConversationStore;
  /** Hides the values of secret-looking environment variables (…KEY, …TOKEN, …PASSWORD) wherever ksa writes. */
  readonly redactor: Redactor;
  /** Hides these too in the runs and sessions opened from now on (the MCP servers' secrets: McpHub.secrets). */
  addSecrets(secrets: readonly string[]): void;
};

/** `onWarning`: where the stores' warnings go (default: one line each on stderr). */
export function openStores(io: CliIO, onWarning: (message: string) => void = (message) => writeWarning(io.stderr, message), command?: string): Stores {
  const home = ksaHome(io.env);
  const secrets = secretValues(io.env);
  const runs = new RunStore(home, { onWarning, secrets });
  const conversations = new ConversationStore(home, { onWarning, secrets, ...(command ? { command } : {}) });
  const stores = {
    home,
    runs,
    conversations,
    redactor: createRedactor(secrets),
    addSecrets: (more: readonly string[]) => {
      runs.addSecrets(more);
      conversations.addSecrets(more);
      stores.redactor = stores.redactor.with(more);
    },
  };
  return stores;
}

/** `--session` and `--continue` as given: one of them at most, and a session id that is not empty (it would open a new session unasked). */
export function checkSessionFlags(flags: { readonly continue?: boolean; readonly session?: string }): void {
  if (flags.session !== undefined && flags.session.trim() === '') throw new CliError({ message: '--session needs a session id or a unique prefix of one (ksa chat lists them with /sessions); leave --session out for a new session' });
  if (flags.continue && flags.session) throw new CliError({ message: '--continue and --session cannot be used together' });
}

/** `--session id`, or with `--continue` the latest session (a new one when there is none), else a new session. */
export async function openConversation(stores: Stores, target: { readonly id?: string; readonly latest?: boolean }, workspace: string): Promise<Conversation> {
  return (await chooseConversation(stores, target)).open(workspace);
}

/** The session a chat starts in, known before anything is opened: what its first frame shows. */
export type ChosenConversation = {
  readonly id: string;
  /** It has messages already (`--continue`, `--session`). */
  readonly resumed: boolean;
  /** The workspace an existing session was started in (its plans were made for it). */
  readonly workspace?: string;
  /** Opens it (its lock, its last messages), or creates it when it is new, for this workspace. */
  readonly open: (workspace: string) => Promise<Conversation>;
};

/**
 * What openConversation would open, read from the session index only: the
 * chat draws its first frame with it and opens the session after. A session
 * that does not exist is an error now, before the terminal is taken.
 */
export async function chooseConversation(stores: Stores, target: { readonly id?: string; readonly latest?: boolean }): Promise<ChosenConversation> {
  const existing = target.id ? await stores.conversations.find(target.id) : target.latest ? await stores.conversations.latestSession() : undefined;
  if (existing) {
    const workspace = await stores.conversations.workspaceOf(existing.id);
    return { id: existing.id, resumed: existing.messageCount > 0, ...(workspace ? { workspace } : {}), open: () => stores.conversations.open(existing.id) };
  }
  const id = ConversationStore.newId();
  return { id, resumed: false, open: (workspace) => stores.conversations.create({ workspace, id }) };
}

/** The allow-listed environment (`--allow-env NAME`), read now. */
export function allowedEnvironment(io: CliIO, names: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = io.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
