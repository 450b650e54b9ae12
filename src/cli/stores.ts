// Deep imports: the chat's first frame needs these, not everything the store's index brings.
import { ConversationStore, type Conversation } from '../store/conversation-store.js';
import { ksaHome } from '../store/paths.js';
import { createRedactor, secretValues, type Redactor } from '../store/redact.js';
import { RunStore } from '../store/run-store.js';
import type { CliIO } from './io.js';

export type Stores = {
  readonly home: string;
  readonly runs: RunStore;
  readonly conversations: ConversationStore;
  /** Hides the values of secret-looking environment variables (…KEY, …TOKEN, …PASSWORD) wherever ksa writes. */
  readonly redactor: Redactor;
};

export function openStores(io: CliIO): Stores {
  const home = ksaHome(io.env);
  const secrets = secretValues(io.env);
  const onWarning = (message: string) => io.stderr.write(`ksa: warning: ${message}\n`);
  return {
    home,
    runs: new RunStore(home, { onWarning, secrets }),
    conversations: new ConversationStore(home, { onWarning, secrets }),
    redactor: createRedactor(secrets),
  };
}

/** `--session id`, or with `--continue` the latest session (a new one when there is none), else a new session. */
export async function openConversation(stores: Stores, target: { readonly id?: string; readonly latest?: boolean }, workspace: string): Promise<Conversation> {
  if (target.id) return stores.conversations.open(target.id);
  if (target.latest) {
    const latest = await stores.conversations.latest();
    if (latest) return stores.conversations.open(latest);
  }
  return stores.conversations.create({ workspace });
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
