/**
 * How many of a kubectl command's operands name objects (its kind and names), the rest being what it sets on them:
 * `label ns prod env=x team-` labels (from the first `KEY=VALUE` or `KEY-` on, as kubectl splits them), `set image
 * deploy/web web=nginx` images, `set env deploy/web A=B`, `taint nodes n1 key=v:NoSchedule`, and the last word of
 * `set selector svc/web app=web` and `set serviceaccount deploy/web bot`. Every operand for any other command.
 */
export function objectOperandCount(command: string, operands: readonly string[]): number {
  if (command === 'set selector' || command === 'set serviceaccount' || command === 'set sa') return Math.max(0, operands.length - 1);
  const setting = SETTINGS[command];
  if (setting === undefined) return operands.length;
  const first = operands.findIndex(setting);
  return first === -1 ? operands.length : first;
}

/** `KEY=VALUE` (no leading `=`) or `KEY-` (not a lone `-`): kubectl's GetResourcesAndPairs and set env's split. */
const pair = (word: string): boolean => (word.includes('=') && !word.startsWith('=')) || (word.endsWith('-') && word !== '-');

const SETTINGS: Readonly<Record<string, (word: string) => boolean>> = {
  label: pair,
  annotate: pair,
  'set image': pair,
  'set env': pair,
  // A taint is `key=value:Effect`, `key:Effect` or `key-`.
  taint: (word) => pair(word) || word.includes(':'),
};

/**
 * Commands that read a kind given without names as every object of it (kubectl's builder with an empty selector
 * allowed): `get secrets`, `describe pods`, `rollout restart deploy` restarts every deployment of the namespace.
 * Others refuse a kind alone (`delete pods`: no name was given).
 */
export const BARE_KIND_PICKS_ALL = new Set(['get', 'describe', 'edit', 'rollout history', 'rollout pause', 'rollout restart', 'rollout resume', 'rollout status', 'rollout undo', 'apply view-last-applied']);
