import { LineCounter, parseDocument } from 'yaml';
import { isPlainObject, isRecord } from '../planning/values.js';
import { CliError } from './errors.js';
import { givenStructureProblem } from './given-structure-problems.js';
import { readGivenText } from '../planning/given-text.js';
import type { GivenInputProblem } from '../planning/input-types.js';

/**
 * The values given with `--input name=value`, read as the plan's default for each is written: text
 * stays the exact text given (`release=2.10`, `sha=0123e45`, `note=hotfix #42`); an input with no
 * default (`replicas:`) or one the plan only reads has none to go by, so a plain whole number (`5`,
 * up to 2^53) is a number and exactly true/false a boolean, as `inputs.replicas > 2` expects, and
 * anything else (`2.10`, `0123`, `1e3`, `TRUE`) the exact text; a number default takes a plain decimal
 * number, a true/false default true or false (True, FALSE too), a list or mapping default one written in YAML or JSON
 * (`regions=[eu-west-1, us-east-1]`). A value that does not read so is kept as given, and validation
 * says what was expected (`--input port: expected a number …`).
 */
export function readGivenInputs(declared: unknown, given: Readonly<Record<string, string>>): Record<string, unknown> {
  const { inputs, problems } = readGivenInputsChecked(declared, given);
  if (problems[0]) throw new CliError({ message: problems[0].message });
  return inputs;
}

/**
 * As readGivenInputs, but a value refused as a plan file would be is a problem to report with the plan's
 * others (ksa validate lists them all) instead of thrown; it is left out of the inputs.
 */
export function readGivenInputsChecked(declared: unknown, given: Readonly<Record<string, string>>): { inputs: Record<string, unknown>; problems: GivenInputProblem[] } {
  const defaults = isRecord(declared) ? declared : {};
  const inputs: Record<string, unknown> = {};
  const problems: GivenInputProblem[] = [];
  for (const [name, text] of Object.entries(given)) {
    if (name === '__proto__') {
      // No plan can declare it (validation refuses the name), and assigned to an object it would set the prototype.
      const names = Object.keys(defaults).join(', ') || 'none';
      problems.push({ code: 'unknown_input', message: `--input ${name}: the plan has no input "${name}" (a name JavaScript objects reserve, which no plan can declare); its inputs: ${names}` });
      continue;
    }
    const read = readGivenValue(name, Object.hasOwn(defaults, name) ? defaults[name] : undefined, text);
    if (read.problem === undefined) inputs[name] = read.value;
    else problems.push({ code: 'invalid_input', message: `--input ${name}: ${read.problem}` });
  }
  return { inputs, problems };
}

type GivenValue = { readonly value: unknown; readonly problem?: undefined } | { readonly value?: undefined; readonly problem: string };

function readGivenValue(name: string, fallback: unknown, text: string): GivenValue {
  if (Array.isArray(fallback) || isRecord(fallback)) return readStructure(name, text);
  return { value: readGivenText(fallback, text) };
}

/**
 * A list or a mapping as written (validation refuses the one of them the default is not); any other value the text.
 * Read as a plan file is: merge keys (`<<: {…}`) apply, and what a plan file refuses is refused here, before
 * anything runs (exit 2), or listed with the plan's problems by ksa validate: a tag (`!env HOME` would run as "HOME", `!!binary` as bytes), a key given twice,
 * a number that is not finite (`1e400`, `.inf`: null once recorded, Infinity in a command), or one written in
 * hexadecimal or octal (`0x1F`), which a number input refuses too.
 */
function readStructure(name: string, text: string): GivenValue {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, merge: true, logLevel: 'silent' });
  if (doc.errors.length > 0) return { value: text };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return { value: text };
  }
  if (!Array.isArray(value) && !isPlainObject(value)) return { value: text };
  const problem = givenStructureProblem(name, doc, lineCounter, text);
  return problem === undefined ? { value } : { problem };
}

/** As for a plan file: enough for a few shared blocks, far from an expansion attack. */
const MAX_ALIAS_COUNT = 100;
