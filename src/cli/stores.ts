import { ConversationStore, createRedactor, ksaHome, RunStore, secretValues, type Redactor } from '../store/index.js';
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

/** The allow-listed environment (`--allow-env NAME`), read now. */
export function allowedEnvironment(io: CliIO, names: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = io.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
