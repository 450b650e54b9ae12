/**
 * The pattern with each extended glob (`@(a|b)`, `!(x)`, `+(…)`, `?(…)`, `*(…)`) widened to `*`:
 * it matches every line the pattern matches, and it can be matched in linear time, so a line it
 * does not match is answered without picomatch's regular expression, which a rule with many `*`
 * and an extended glob keeps busy for ever. Undefined when the parentheses do not close.
 */
export function extglobsWidened(pattern: string): string | undefined {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\' && i + 1 < pattern.length) {
      out += char + pattern[++i];
    } else if ('@!+?*'.includes(char) && pattern[i + 1] === '(') {
      let depth = 0;
      let end = i + 1;
      for (; end < pattern.length; end++) {
        if (pattern[end] === '\\') end++;
        else if (pattern[end] === '(') depth++;
        else if (pattern[end] === ')' && --depth === 0) break;
      }
      if (end >= pattern.length) return undefined;
      out += '*';
      i = end;
    } else out += char;
  }
  return out;
}
