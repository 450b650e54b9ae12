import { readGivenText } from '../planning/index.js';
import { declaredInputs, secretInputsNotGiven, type RunStore } from '../store/index.js';
import type { ProposedPlan } from './agent-tools.js';

// A run's secret inputs are stored as ***: resumed from the chat, it asks for each of them again (as `ksa resume`
// wants them given again with --input), so that no step runs with *** for the value.

/** The value typed for each secret input asked for, by name: read as the plan declared it (a PIN as a number). */
export type SecretAnswers = Readonly<Record<string, unknown>>;

/** What an ask tells the session: its news, a change of the input asked for, and its end (the answers, or none: dropped). */
export type SecretAskHooks = {
  readonly say: (text: string, tone: 'info' | 'warning') => void;
  readonly changed: () => void;
  readonly end: (answers: SecretAnswers | undefined) => void;
};

/**
 * The ask for the secret inputs the run a /resume proposal continues was given and holds as *** (none given yet):
 * undefined when there are none, or the run cannot be read (opening it says why).
 */
export async function secretAskFor(runs: RunStore, proposal: ProposedPlan, given: SecretAnswers, hooks: SecretAskHooks): Promise<SecretInputsAsk | undefined> {
  const runId = proposal.resumeRunId;
  if (runId === undefined) return undefined;
  const record = await runs.read(runId).catch(() => undefined);
  const names = secretInputsNotGiven(record, given);
  return names.length > 0 && record ? new SecretInputsAsk(runId, names, given, hooks, declaredInputs(record)) : undefined;
}

/** Asking for a resumed run's secret inputs, one at a time; what is typed is never kept in the session or its history. */
export class SecretInputsAsk {
  private readonly values: Record<string, unknown>;
  private index = 0;

  constructor(
    readonly runId: string,
    private readonly names: readonly string[],
    given: SecretAnswers,
    private readonly hooks: SecretAskHooks,
    /** The run's plan inputs as declared: what is typed is read as `ksa resume --input` reads it. */
    private readonly declared: Readonly<Record<string, unknown>> = {},
  ) {
    this.values = { ...given };
  }

  /** The input asked for now. */
  get name(): string {
    return this.names[this.index]!;
  }

  /** What the chat says as it asks for the first one. */
  get question(): string {
    const many = this.names.length > 1;
    return `Run ${this.runId} was given the secret input${many ? 's' : ''} ${this.names.join(', ')}, which ${many ? 'were' : 'was'} not stored: type ${many ? 'each' : 'it'} in again to resume it (shown masked, not kept). Esc drops the resume.`;
  }

  /** The text typed for the input asked for now. */
  answer(text: string): void {
    if (text === '') return this.hooks.say(`${this.name} cannot be empty: type its value, or press Esc to drop the resume.`, 'warning');
    this.values[this.name] = readGivenText(Object.hasOwn(this.declared, this.name) ? this.declared[this.name] : undefined, text);
    this.index++;
    if (this.index < this.names.length) return this.hooks.changed();
    this.hooks.end(this.values);
  }

  /** Esc: the run is not resumed; the plan keeps waiting. */
  drop(): void {
    this.hooks.end(undefined);
    this.hooks.say(`Not resumed: run ${this.runId} stays as it was; y asks for its secret input${this.names.length > 1 ? 's' : ''} again.`, 'info');
  }
}
