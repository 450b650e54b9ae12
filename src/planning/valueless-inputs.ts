/** An input the plan declares without a value (`image:` or `image: null`) that a step reads, and that was not given. */
export type ValuelessInput = { readonly name: string; readonly message: string };

/**
 * Such an input would be read as empty text or "null" (`docker push {{ inputs.image }}:v1` pushing `:v1`), so it
 * is required: given with --input, or written into the plan. `readers`: each input read, with the first step reading it.
 */
export function valuelessInputs(declared: Readonly<Record<string, unknown>>, readers: ReadonlyMap<string, string>, given: Readonly<Record<string, unknown>>): ValuelessInput[] {
  const missing: ValuelessInput[] = [];
  for (const [name, step] of readers) {
    if (!Object.hasOwn(declared, name) || declared[name] !== null || Object.hasOwn(given, name)) continue;
    missing.push({ name, message: `input "${name}" has no value (step ${step} reads it): pass --input ${name}=…, or give it a value in the plan` });
  }
  return missing;
}
