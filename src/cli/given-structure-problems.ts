import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { hasLeadingZero, leadingZeroReading, numberKeyProblem, planYamlProblems, radixDecimal, radixOf } from '../agent/plan-yaml-problems.js';
import type { IssuePath } from '../planning/index.js';
import { looksSecret } from '../planning/secret-names.js';
import { nonFiniteNumberProblem } from '../planning/inexact-numbers.js';

/**
 * What a list or mapping given with `--input name=…` holds that a plan file would not be let to:
 * a tag, a key given twice (the problems a plan file's text shows), a number that is not finite,
 * or a number in hexadecimal or octal (`0x1F`, `0o17`) or with a leading zero (`017`), as a number input refuses `0x10`,
 * a key written so included (`{017: x}` is the key "17" to ksa, "15" to YAML 1.1 tools).
 * The first one, said for `--input name: …`; undefined when there is none.
 */
export function givenStructureProblem(name: string, doc: Document, lineCounter: LineCounter, text: string): string | undefined {
  const secret = looksSecret(name);
  // A number's problem is said below, without the number when the input is a secret.
  const [yaml] = planYamlProblems(doc, lineCounter, text).filter((problem) => problem.code !== 'invalid_field');
  if (yaml) {
    if (yaml.code === 'duplicate_key') return `${itemOf(yaml.path.slice(0, -1))}the key ${JSON.stringify(yaml.path.at(-1))} is given twice; keep one`;
    return `${itemOf(yaml.path)}${secret && yaml.code === 'yaml_tag' ? secretTagMessage(yaml.message) : yaml.message}`;
  }
  return numberProblem(doc, secret);
}

/**
 * A tag's problem said without its text: what reads as a tag may be the secret itself (`[!Hunter2pw]`,
 * `{!S3cretVal: x}`), and which it is cannot be told. A tag holds no whitespace, so the advice after it is found.
 */
function secretTagMessage(message: string): string {
  return message.includes(' \u2014 quote the value: ') ? 'a YAML tag \u2014 quote the value' : 'a YAML tag \u2014 remove it, or quote the value if it starts with "!"';
}

/** Without recursion, as planYamlProblems: a deep value must not exhaust the stack. */
function numberProblem(doc: Document, secret: boolean): string | undefined {
  const stack: { node: Node; path: IssuePath }[] = doc.contents ? [{ node: doc.contents, path: [] }] : [];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (isScalar(node) && typeof node.value === 'number') {
      const written = node.source ?? String(node.value);
      const shown = secret ? 'the value' : written;
      if (!Number.isFinite(node.value)) return `${itemOf(path)}${shown} ${nonFiniteNumberProblem(node.value)}`;
      const base = radixOf(node);
      if (base && radixDecimal(written) !== undefined) return `${itemOf(path)}${shown} is a number written in ${base}, too large to keep exact: quote it to pass it as text`;
      if (base) return `${itemOf(path)}${shown} is a number written in ${base}, which a number input refuses: write it in decimal${secret ? '' : ` (${node.value})`}, or quote it to pass it as text`;
      // The reading is the number itself: not said for a secret.
      if (hasLeadingZero(node)) return `${itemOf(path)}${shown} is a number written with a leading zero${secret ? '' : `, ${leadingZeroReading(written, node.value)}`}: write it without, or quote it to pass it as text`;
    } else if (isMap(node)) {
      for (const pair of node.items) {
        const keyProblem = isPair(pair) ? numberKeyProblem(pair.key as Node) : undefined;
        // A secret input's keys may be part of the secret: not quoted.
        if (keyProblem !== undefined) return `${itemOf(path)}${secret ? 'a key is a number YAML reads as another key than written: quote it to keep it as written' : keyProblem}`;
      }
      for (const pair of [...node.items].reverse()) {
        if (isPair(pair) && pair.value) stack.push({ node: pair.value as Node, path: [...path, isScalar(pair.key) ? String(pair.key.value) : String(pair.key)] });
      }
    } else if (isSeq(node)) {
      for (let index = node.items.length - 1; index >= 0; index--) {
        const item = node.items[index];
        if (item) stack.push({ node: item as Node, path: [...path, index] });
      }
    }
  }
  return undefined;
}

/** `item [0]["a"]: ` for a place inside the value, nothing for the value itself. */
function itemOf(path: IssuePath): string {
  return path.length === 0 ? '' : `item ${path.map((key) => `[${JSON.stringify(key)}]`).join('')}: `;
}
