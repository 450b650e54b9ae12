/**
 * A rule over an MCP call's JSON arguments (`'{"owner":"me","repo":"shop"}'`) with the JSON's own braces and
 * brackets as the characters they are: glob syntax would read `{"owner":"me","repo":"shop"}` as a choice between
 * `"owner":"me"` and `"repo":"shop"`, which no call's JSON is, and `["urgent"]` as one character of a class. What
 * stays glob syntax: everything inside a JSON string (`"{urgent,p1}"`, `"prod-*"`, `"[0-9]*"`), a bare `*` for a
 * whole value, braces that do not open an object (`{true,false}`) and a class that is not a list (`[0-9]`).
 * Undefined for a pattern that is not a JSON object from its first character to its last.
 */
export function jsonStructureLiteral(pattern: string): string | undefined {
  if (!/^\{\s*"/.test(pattern)) return undefined;
  let out = '';
  // What each open `{` or `[` is, and the character that closes it.
  const open: { readonly literal: boolean; readonly close: string }[] = [];
  let quoted = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\' && i + 1 < pattern.length) {
      out += char + pattern[++i];
    } else if (quoted || char === '"') {
      if (char === '"') quoted = !quoted;
      out += char;
    } else if (char === '{' || char === '[') {
      const rest = pattern.slice(i);
      const literal = char === '{' ? /^\{\s*["}]/.test(rest) : JSON_LIST.test(rest);
      const classEnd = pattern.indexOf(']', i + 2);
      if (char === '[' && !literal && classEnd !== -1) {
        out += pattern.slice(i, classEnd + 1);
        i = classEnd;
        continue;
      }
      open.push({ literal, close: char === '{' ? '}' : ']' });
      out += literal ? `\\${char}` : char;
    } else if (char === '}' || char === ']') {
      const closing = open.pop();
      if (closing?.close !== char) return undefined;
      out += closing.literal ? `\\${char}` : char;
      if (open.length === 0 && i !== pattern.length - 1) return undefined;
    } else out += char;
  }
  return quoted || open.length > 0 ? undefined : out;
}

/** A `[` that opens a JSON list: of strings, objects or lists, empty, or of plain values (`[1]`, `[*, true]`). */
const JSON_LIST = /^\[\s*(?:["{[\]]|(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|\*)\s*[,\]])/;
