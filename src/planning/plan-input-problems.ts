import { givenInputProblems } from './input-types.js';
import { readNumberInputs, type InputPair } from './number-inputs.js';
import { arithmeticProblem, type ArithmeticGroup } from './arithmetic-groups.js';
import { valuelessInputs } from './valueless-inputs.js';
import { declaredNumberReadProblems, type NumberReadSite } from './declared-number-reads.js';
import { memberNumberReadProblems, type MemberNumberReadSite } from './member-number-reads.js';
import { inexactNumberPaths, inexactNumberProblem } from './inexact-numbers.js';
import { valueAt } from './values.js';
import type { IssueCode, IssuePath } from './validation-issues.js';

/** What the plan's expressions read of its inputs, gathered while its steps were checked. */
export type PlanInputReads = {
  /** Every input an expression or template reads. */
  readonly usedInputs: ReadonlySet<string>;
  /** Each input read with no test against null before it, with the first step reading it so. */
  readonly inputReaders: ReadonlyMap<string, string>;
  /** Each input an expression reads as a number, with the first such expression. */
  readonly numberReaders: ReadonlyMap<string, string>;
  readonly numberPairs: readonly InputPair[];
  readonly numberEquals: ReadonlySet<string>;
  readonly numberReadSites: readonly NumberReadSite[];
  /** Each expression reading items of a list or mapping input as numbers, with where it is. */
  readonly memberNumberReadSites: readonly MemberNumberReadSite[];
  /** Each expression computing inputs together (`inputs.a + inputs.b`): its values may not be computable. */
  readonly arithmetic: readonly { readonly groups: readonly ArithmeticGroup[]; readonly source: string; readonly path: IssuePath }[];
};

/**
 * The problems of the plan's inputs with the values given for them, all known before anything runs, and the given
 * values as the plan reads them (`-2.5` given for an input read as a number is that number). `allRead`: whether
 * every step was read, so that a name given that no step reads is a typo.
 */
export function planInputProblems(
  planInputs: Readonly<Record<string, unknown>>,
  options: { readonly inputs?: Readonly<Record<string, unknown>>; readonly requireInputValues?: boolean },
  reads: PlanInputReads,
  allRead: boolean,
  add: (code: IssueCode, path: IssuePath, message: string) => void,
): Record<string, unknown> {
  const { inputs, readers } = readNumberInputs(planInputs, options.inputs ?? {}, reads.numberReaders, reads.numberPairs, reads.numberEquals);
  for (const { code, message } of givenInputProblems(planInputs, reads.usedInputs, inputs, readers)) if (allRead || code !== 'unknown_input') add(code, ['inputs'], message);
  for (const at of inexactNumberPaths(planInputs, ['inputs'])) add('invalid_field', at, inexactNumberProblem(valueAt({ inputs: planInputs }, at)));
  // Refused now, not as the step fails mid-run ("no such overload"): `inputs.replicas > 2` with a text default,
  // `inputs.a + 1` with a given 2.5.
  for (const { path, message } of declaredNumberReadProblems(planInputs, inputs, readers, reads.numberReadSites, reads.numberPairs)) add('invalid_input', path, message);
  for (const { path, message } of memberNumberReadProblems(planInputs, inputs, reads.memberNumberReadSites)) add('invalid_input', path, message);
  const valueOf = (name: string) => (Object.hasOwn(inputs, name) ? inputs[name] : Object.hasOwn(planInputs, name) ? planInputs[name] : undefined);
  for (const { groups, source, path } of reads.arithmetic) {
    const problem = arithmeticProblem(groups, valueOf);
    if (problem !== undefined) add('invalid_input', path, `"${source}" cannot be computed with these inputs: ${problem}`);
  }
  if (options.requireInputValues !== false) {
    for (const { name, message } of valuelessInputs(planInputs, reads.inputReaders, options.inputs ?? {})) add('missing_input', ['inputs', name], message);
  }
  return inputs;
}
