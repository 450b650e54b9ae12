/**
 * The stored form (secrets hidden, storedOutput) of each output a run's steps succeeded with, by the step's state: the
 * record's replacer writes it as it is instead of hiding the secrets of that output again at every write of run.json.
 * Only while the step's state holds that very output: one it was given since (the step ran again) is hidden anew.
 */
export class StoredOutputs {
  private readonly forms = new WeakMap<object, { readonly output: unknown; readonly stored: unknown }>();

  /** `stored` is `output` as the record's redactor would write it. */
  keep(stepState: object, output: unknown, stored: unknown): void {
    this.forms.set(stepState, { output, stored });
  }

  /** What to write for `output` held by `stepState`: its stored form, or undefined when none is kept for it. */
  formOf(stepState: object, output: unknown): { readonly stored: unknown } | undefined {
    const form = this.forms.get(stepState);
    return form !== undefined && form.output === output ? form : undefined;
  }
}
