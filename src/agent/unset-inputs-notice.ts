import type { UnsetInput } from '../planning/index.js';

// A plan the model or the editor wrote may leave an input without a value to the user; it runs once given.

function unsetText(unset: readonly UnsetInput[]): string {
  const many = unset.length > 1;
  return `input${many ? 's' : ''} ${unset.map(({ name, step }) => `"${name}" (step ${step} reads it)`).join(', ')} ${many ? 'have' : 'has'} no value`;
}

/** Why the chat does not run such a plan, and what to do: a run from the chat has no --input. */
export function unsetInputsNotice(unset: readonly UnsetInput[]): string {
  return `The plan's ${unsetText(unset)}: press e and write ${unset.length > 1 ? 'them' : 'it'} into the plan, then run it.`;
}

/** Why ksa ask does not run such a plan, and the ksa run line that gives the inputs (`file`: where -o saved it). */
export function unsetInputsRefusal(planId: string, unset: readonly UnsetInput[], file: string | undefined): string {
  const given = unset.map(({ name }) => `--input ${name}=…`).join(' ');
  const save = file === undefined ? 'save it with -o plan.yaml and run it with ksa run plan.yaml' : `run it with ksa run ${file}`;
  return `plan ${planId}: ${unsetText(unset)}: ${save} ${given}; nothing was run`;
}
