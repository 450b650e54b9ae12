import { canonicalJson } from './canonical-json.js';

/**
 * An MCP call's JSON arguments and a rule over them, each with its object keys sorted, so a deny or ask
 * rule holds whatever order the call (or the model) gives the keys in: `'{"force":true,"repo":"*"}'`
 * meets `{"repo":"x","force":true}`. An allow rule keeps matching the JSON as the call shows it.
 */

/** The call's arguments with their keys sorted, when its command line is their JSON and that differs. */
export function sortedArgumentsForm(commandLine: string, args: Readonly<Record<string, unknown>>): string | undefined {
  if (commandLine !== JSON.stringify(args)) return undefined;
  const sorted = canonicalJson(args);
  return sorted === commandLine ? undefined : sorted;
}

/** Stands for a bare `*` (a whole value of any kind) while the pattern is read as JSON. */
const ANY_VALUE = '\u0000*\u0000';

/**
 * A rule's pattern with its keys sorted, when it is a JSON object in which `*` may stand for a whole
 * value (`{"repo":"*","force":*}`); undefined for any other pattern (`*"repo":"prod"*`).
 */
export function sortedJsonPattern(pattern: string): string | undefined {
  const text = pattern.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(barestarsAsStrings(text));
  } catch {
    return undefined;
  }
  const sorted = canonicalJson(parsed).split(JSON.stringify(ANY_VALUE)).join('*');
  return sorted === pattern ? undefined : sorted;
}

/** Each `*` outside a JSON string as a string the pattern cannot hold otherwise. */
function barestarsAsStrings(text: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === '\\' && i + 1 < text.length) out += char + text[++i];
    else if (char === '"') {
      quoted = !quoted;
      out += char;
    } else out += !quoted && char === '*' ? JSON.stringify(ANY_VALUE) : char;
  }
  return out;
}
