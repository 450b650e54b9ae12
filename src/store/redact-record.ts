import { errorText, looksSecret, looksSecretField, REDACTED, type Redactor } from './redact.js';
import type { StoredOutputs } from './stored-outputs.js';

/**
 * What ksa writes about a run mixes its own fields (run and step ids, timestamps, durations, attempt
 * numbers, statuses, worker names) with what users and tools gave (inputs, arguments, output, errors).
 * A secret is hidden in the latter only: a short one (a PIN `2026`) must not turn a run id
 * `20261206-…` or a time `2026-12-06T…` into `***…`, which ksa could then neither read nor name.
 *
 * Paths are dot-separated keys; `*` is any one key (an array index too), a trailing `**` any below.
 */
type Shape = {
  readonly own: readonly string[];
  readonly content: readonly string[];
  /** Where a plan's or a run's inputs are: one named like a secret is never written, whatever its value. */
  readonly inputs?: readonly string[];
  /** Where a step's output is, whose stored form (StoredOutputs) is written as it is when one is kept. */
  readonly outputs?: readonly string[];
  /** What is never changed in place once written (a run's plan: an edit makes a new one): its hidden form is kept. */
  readonly unchanging?: readonly string[];
};

const PLAN_OWN = ['maxParallel', 'runsOn.**', 'steps.*.id', 'steps.*.type', 'steps.*.tool', 'steps.*.dependsOn.*', 'steps.*.retry.**', 'steps.*.timeoutMs', 'steps.*.runsOn.**', 'steps.*.rollback.tool', 'steps.*.rollback.timeoutMs'];
const PLAN_CONTENT = ['inputs.**', 'steps.*.args.**', 'steps.*.rollback.args.**'];
const STEP_OWN = ['status', 'attempts', 'startedAt', 'endedAt', 'worker', 'attemptWorkers.**', 'retryAt', 'waitingSince', 'interruptedAttempt', 'rollbackStartedAt', 'earlierAttempts', 'cutShortAt', 'rollback.status', 'rollback.startedAt', 'rollback.endedAt'];
const STEP_CONTENT = ['output.**', 'succeededOn.**'];
const under = (prefix: string, paths: readonly string[]) => paths.map((path) => `${prefix}.${path}`);

/** `runs/<id>/run.json`. */
export const RUN_RECORD_SHAPE: Shape = {
  own: [
    ...['version', 'format', 'runId', 'createdAt', 'planFile', 'workspace', 'secretInputKinds.*', 'allowedEnv.*', 'maxParallel', 'sessionId', 'kubeContext', 'redis', 'masked.**', 'keyLineDigests.*'],
    ...under('approvals.*', ['planHash', 'approvedAt', 'approvedBy', 'mode', 'user', 'command', 'allowDestroy']),
    ...under('plan', PLAN_OWN),
    ...under('state', ['runId', 'status', 'startedAt', 'endedAt', 'completed.*', 'failedStepId', 'cancelStartedAt']),
    ...under('state.steps.*', STEP_OWN),
  ],
  content: ['inputs.**', 'state.inputs.**', ...under('plan', PLAN_CONTENT), ...under('state.steps.*', STEP_CONTENT)],
  inputs: ['inputs', 'state.inputs', 'plan.inputs'],
  outputs: ['state.steps.*.output'],
  unchanging: ['plan'],
};

/** A line of `runs/<id>/succeeded.ndjson`: its output comes with its secrets hidden already (storedOutput). */
export const JOURNAL_ENTRY_SHAPE: Shape = { own: ['stepId', ...under('state', [...STEP_OWN, 'output.**'])], content: under('state', STEP_CONTENT.filter((path) => path !== 'output.**')) };

/** `runs/index.json`. */
const RUN_SUMMARY_OWN = ['runId', 'status', 'createdAt', 'startedAt', 'endedAt', 'steps', 'sessionId'];
export const RUN_INDEX_SHAPE: Shape = { own: ['version', ...under('entries.*', RUN_SUMMARY_OWN)], content: [] };

/** One run's line of `runs/index.json`. */
export const RUN_SUMMARY_SHAPE: Shape = { own: RUN_SUMMARY_OWN, content: [] };

/** A run event (`ksa run --json`, the terminal). */
export const RUN_EVENT_SHAPE: Shape = {
  own: ['runId', 'ts', 'type', 'stepId', 'attempt', 'worker', 'workerStartedAt', 'durationMs', 'delayMs', 'stepCount', 'resumed', 'timedOut', 'stepIds.*', 'status', 'failedStepId', 'stream'],
  content: ['output.**'],
};

/**
 * A JSON.stringify replacer that hides secrets in a value of this shape: in every string but ksa's own
 * fields; a number equal to a secret (a PIN given as 2026) in the inputs, arguments and output, and under
 * a secret-looking name; the value of a secret input as given, whatever its length (its default too, when
 * another was given; each text and number of one that is a list or a mapping, so it keeps its kind).
 * Any other input's value is the user's own: its text is hidden by `inputsRedactor`'s secrets (those in use),
 * and a number there is kept (a port 8080 as the PIN 8080 is), so that a run goes on with it when resumed.
 * Both are read at each call (a store learns more secrets as it goes).
 */
export function recordReplacer(
  shape: Shape,
  redactor: () => Redactor,
  inputsRedactor: () => Redactor = redactor,
  storedOutputs?: StoredOutputs,
): RecordReplacer {
  const root = trieOf(shape);
  // Kept across writes with the places below it (a journal line per step).
  const top = placeOf([root], false, false, false, false);

  /** A step's output hidden once when the step succeeded: written as stored, everything in it taken as it is. */
  const storedForm = (holder: object | undefined, place: Place, value: unknown): { readonly stored: unknown } | undefined =>
    place.output && storedOutputs !== undefined && holder !== undefined ? storedOutputs.formOf(holder, value) : undefined;
  /** What is written for `value` under `key` of `holder` at `place`, and the place of what is inside it. */
  const written = (holder: object | undefined, place: Place, key: string, value: unknown): [unknown, Place] => {
    const stored = storedForm(holder, place, value);
    if (stored !== undefined) return [stored.stored, OWN_PLACE];
    return [hiddenLeaf(place, key, value), place];
  };
  const hiddenLeaf = (place: Place, key: string, value: unknown): unknown => {
    if (place.own) return value;
    // Whatever its length: a secret too short to hide in free text (`abc`) is still never written down as given.
    if ((place.secretInput || place.secretField) && ((typeof value === 'string' && value !== '') || typeof value === 'number')) return REDACTED;
    const hider = redactor();
    if (!hider.active) return value;
    if (place.input) return inputPart(key, value, inputsRedactor());
    // A run's or a step's error (not a user's `error` argument) may be in part ksa's own words.
    if (typeof value === 'string') return key === 'error' && !place.content ? errorText(hider.text, value) : hider.text(value);
    if (typeof value === 'number' && (place.content || looksSecret(key)) && hider.secrets.includes(String(value))) return REDACTED;
    return value;
  };

  // Where each object being written sits in the shape: the replacer is told its holder, not its path. JSON.stringify
  // writes depth first, so the holder is the newest object entered and not yet left (a WeakMap costs a 10k-step run's
  // record a third more).
  const holders: object[] = [];
  const holderPlaces: Place[] = [];
  const replacer = function (this: unknown, key: string, value: unknown): unknown {
    while (holders.length > 0 && holders[holders.length - 1] !== this) {
      holders.pop();
      holderPlaces.pop();
    }
    // The first call is for the whole value, under the key '' of a holder made for it.
    const place = holders.length > 0 ? step(holderPlaces[holderPlaces.length - 1]!, key, Array.isArray(this)) : top;
    const [out, inner] = written(typeof this === 'object' && this !== null ? this : undefined, place, key, value);
    if (typeof out === 'object' && out !== null) {
      holders.push(out);
      holderPlaces.push(inner);
    }
    return out;
  };

  // The same, walked here: JSON.stringify then writes without calling back for every key (several times faster), and
  // skips what is ksa's own throughout. A copy only where something is hidden.
  const hideIn = (holder: object | undefined, place: Place, key: string, given: unknown, depth: number): unknown => {
    const value = typeof given === 'object' && given !== null && typeof (given as { toJSON?: unknown }).toJSON === 'function' ? (given as { toJSON: (key: string) => unknown }).toJSON(key) : given;
    const stored = storedForm(holder, place, value);
    // A stored output is written as it is, and so is all that is ksa's own throughout.
    if (stored !== undefined) return stored.stored;
    if (typeof value !== 'object' || value === null) return hiddenLeaf(place, key, value);
    if (place.ownBelow) return value;
    if (place.unchanging) return hiddenOnce(value, place, depth);
    return hideObject(value, place, depth);
  };
  // The hidden form of what never changes in place, with the redactors it was hidden with (a store's learn more).
  const unchanged = new WeakMap<object, { readonly hider: Redactor; readonly inputsHider: Redactor; readonly hidden: unknown }>();
  const hiddenOnce = (value: object, place: Place, depth: number): unknown => {
    const [hider, inputsHider] = [redactor(), inputsRedactor()];
    const kept = unchanged.get(value);
    if (kept !== undefined && kept.hider === hider && kept.inputsHider === inputsHider) return kept.hidden;
    const hidden = hideObject(value, place, depth);
    unchanged.set(value, { hider, inputsHider, hidden });
    return hidden;
  };
  const hideObject = (value: object, place: Place, depth: number): unknown => {
    if (depth > MAX_WALK_DEPTH) throw new TooDeepToWalk();
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const at = step(place, String(i), true);
        if (at.own && !at.output && (typeof item !== 'object' || item === null)) continue;
        const hidden = hideIn(value, at, String(i), item, depth + 1);
        if (hidden !== item) (copy ??= [...value])[i] = hidden;
      }
      return copy ?? value;
    }
    let copy: Record<string, unknown> | undefined;
    for (const name of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[name];
      const at = step(place, name, false);
      // One of ksa's own texts or numbers (most of a run's record) is written as it is: no call for it.
      if (at.own && !at.output && (typeof item !== 'object' || item === null)) continue;
      const hidden = hideIn(value, at, name, item, depth + 1);
      if (hidden !== item) (copy ??= { ...(value as Record<string, unknown>) })[name] = hidden;
    }
    return copy ?? value;
  };
  const hide = (value: unknown): unknown => {
    try {
      return hideIn(undefined, top, '', value, 0);
    } catch (error) {
      if (!(error instanceof TooDeepToWalk)) throw error;
      // Deeper than is worth a stack: JSON.stringify walks it with the replacer instead.
      const text = JSON.stringify(value, replacer);
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    }
  };
  return Object.assign(replacer, { hide });
}

/**
 * A JSON.stringify replacer, and `hide`: the value as it writes it (`JSON.stringify(hide(v))` is
 * `JSON.stringify(v, replacer)`), the value itself when nothing in it is hidden.
 */
export type RecordReplacer = ((this: unknown, key: string, value: unknown) => unknown) & { readonly hide: (value: unknown) => unknown };

const MAX_WALK_DEPTH = 400;
class TooDeepToWalk extends Error {}

/** A value in (or inside) an input not named as a secret: only what a secret in use would reveal. */
function inputPart(key: string, value: unknown, hider: Redactor): unknown {
  if (typeof value === 'string') return hider.text(value);
  return typeof value === 'number' && looksSecret(key) && hider.secrets.includes(String(value)) ? REDACTED : value;
}

type Node = { readonly children: Map<string, Node>; own: boolean; inputs: boolean; ownBelow: boolean; contentBelow: boolean; output: boolean; unchanging?: boolean };
/**
 * The nodes of the shape a value sits at, whether it is inside user content, inside a secret input's value (each
 * item of a list or mapping too), and inside another input's value.
 */
type Place = {
  readonly nodes: readonly Node[];
  readonly content: boolean;
  readonly secretInput: boolean;
  readonly input: boolean;
  readonly secretField: boolean;
  /** One of ksa's own fields: written as it is. */
  readonly own: boolean;
  /** Everything below is ksa's own. */
  readonly ownBelow: boolean;
  /** A step's output, whose stored form may be kept. */
  readonly output: boolean;
  /** Never changed in place: hidden once per object (and redactors). */
  readonly unchanging: boolean;
  /**
   * The places below, kept: a 10k-step run's record is written field by field through the replacer, every step's
   * fields at the same few places. Not where a key's name decides (inside inputs).
   */
  readonly below?: { readonly names: ReadonlySet<string>; readonly named: Map<string, Place>; unnamed?: Place };
};

function placeOf(nodes: readonly Node[], content: boolean, secretInput: boolean, input: boolean, secretField: boolean): Place {
  const byName = nodes.some((node) => node.inputs) || (input && !secretInput);
  return { nodes, content, secretInput, input, secretField, own: nodes.some((node) => node.own), ownBelow: nodes.some((node) => node.ownBelow), output: nodes.some((node) => node.output), unchanging: nodes.some((node) => node.unchanging === true), ...(byName ? {} : { below: { names: new Set(nodes.flatMap((node) => [...node.children.keys()])), named: new Map() } }) };
}

function step(holder: Place, key: string, inList: boolean): Place {
  const below = holder.below;
  if (below === undefined) return stepNamed(holder, key, inList);
  // A key no node names (a step id under `state.steps`) lands where every other such key does.
  if (!below.names.has(key)) return (below.unnamed ??= stepNamed(holder, key, inList));
  let place = below.named.get(key);
  if (place === undefined) below.named.set(key, (place = stepNamed(holder, key, inList)));
  return place;
}

function stepNamed(holder: Place, key: string, inList: boolean): Place {
  const nodes: Node[] = [];
  let content = holder.content;
  let own = false;
  for (const node of holder.nodes) {
    for (const next of [node.children.get(key), node.children.get('*')]) if (next) nodes.push(next);
    own ||= node.ownBelow;
    content ||= node.contentBelow;
  }
  // Everything below a `**` of ksa's own is its own too.
  if (own) nodes.push(OWN_LEAF);
  const inputs = holder.nodes.some((node) => node.inputs);
  // Inside another input's value, a text or number under a field naming a secret (`db: {password: …}`, the items of
  // `apiTokens: […]`) is a secret input's value too; a mapping there is read field by field again (`key:` of a
  // toleration, `tokenTTL` and `secretKeyRef: {name: …}` hold none).
  const secretField = holder.input && !holder.secretInput && (inList ? holder.secretField : looksSecretField(key));
  return placeOf(nodes, content, holder.secretInput || (inputs && looksSecret(key)), holder.input || (inputs && !looksSecret(key)), secretField);
}

const OWN_LEAF: Node = { children: new Map(), own: true, inputs: false, ownBelow: true, contentBelow: false, output: false };
/** Inside an output's stored form: its secrets are hidden already. */
const OWN_PLACE = placeOf([OWN_LEAF], false, false, false, false);

function trieOf(shape: Shape): Node {
  const root = newNode();
  const add = (pattern: string, mark: (node: Node) => void) => {
    let node = root;
    for (const part of pattern.split('.')) {
      if (part === '**') return mark(node);
      let next = node.children.get(part);
      if (!next) node.children.set(part, (next = newNode()));
      node = next;
    }
    mark(node);
  };
  for (const pattern of shape.own) add(pattern, (node) => (pattern.endsWith('**') ? (node.ownBelow = true) : (node.own = true)));
  for (const pattern of shape.content) add(pattern, (node) => (node.contentBelow = true));
  for (const pattern of shape.inputs ?? []) add(pattern, (node) => (node.inputs = true));
  for (const pattern of shape.outputs ?? []) add(pattern, (node) => (node.output = true));
  for (const pattern of shape.unchanging ?? []) add(pattern, (node) => (node.unchanging = true));
  return root;
}

function newNode(): Node {
  return { children: new Map(), own: false, inputs: false, ownBelow: false, contentBelow: false, output: false };
}

/** `value` (of this shape) with its secrets hidden, or `value` itself when none was there. */
export function redactedRecord<T>(value: T, shape: Shape, redactor: Redactor): T {
  if (!redactor.active) return value;
  const text = JSON.stringify(value, recordReplacer(shape, () => redactor));
  return text === JSON.stringify(value) ? value : (JSON.parse(text) as T);
}

/**
 * The replacer for values of this shape written with this redactor's secrets (in inputs, `inputsRedactor`'s); none
 * when there are none and no secret input is there to write (`secretInputs`: one named like a secret is, whatever its value).
 */
export function replacerFor(
  shape: Shape,
  redactor: Redactor,
  secretInputs = false,
  inputsRedactor: Redactor = redactor,
  storedOutputs?: StoredOutputs,
): RecordReplacer | undefined {
  return redactor.active || secretInputs ? recordReplacer(shape, () => redactor, () => inputsRedactor, storedOutputs) : undefined;
}

