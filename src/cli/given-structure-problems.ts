import type { Document, LineCounter } from 'yaml';
import { planYamlProblems } from '../agent/plan-yaml-problems.js';
import type { IssuePath } from '../planning/index.js';
import { looksSecret } from '../planning/secret-names.js';

/**
 * What a list or mapping given with `--input name=…` holds that a plan file would not be let to:
 * a tag, a key given twice (the problems a plan file's text shows).
 * The first one, said for `--input name: …`; undefined when there is none.
 */
export function givenStructureProblem(name: string, doc: Document, lineCounter: LineCounter, text: string): string | undefined {
  const secret = looksSecret(name);
  const [yaml] = planYamlProblems(doc, lineCounter, text);
  if (yaml) {
    if (yaml.code === 'duplicate_key') return `${itemOf(yaml.path.slice(0, -1))}the key ${JSON.stringify(yaml.path.at(-1))} is given twice; keep one`;
    const message = secret ? yaml.message.replace(/ — quote the value: .*$/, ' — quote the value') : yaml.message;
    return `${itemOf(yaml.path)}${message}`;
  }
  return undefined;
}

/** `item [0]["a"]: ` for a place inside the value, nothing for the value itself. */
function itemOf(path: IssuePath): string {
  return path.length === 0 ? '' : `item ${path.map((key) => `[${JSON.stringify(key)}]`).join('')}: `;
}
