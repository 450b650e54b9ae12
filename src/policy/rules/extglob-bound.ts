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

/**
 * What makes picomatch's regular expression slow on a long line: each `*` (a run of them is one) and each
 * repeated or negated extended glob (`+(…)`, `*(…)`, `!(…)`; a single class repeated, `*([a-z])`, is not
 * counted) is a place the expression may go back to, so a line of n characters can cost n to the power of
 * their number; `nested` is a `*` or a repeat inside a repeat (`+(a|*)`), which can cost 2 to the power of n.
 */
export function picomatchCost(pattern: string): { readonly repeats: number; readonly nested: boolean } {
  let repeats = 0;
  let nested = false;
  const groups: boolean[] = [];
  const inRepeat = () => groups.includes(true);
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      i++;
    } else if (char === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close !== -1) i = close;
    } else if ('@!+?*'.includes(char) && pattern[i + 1] === '(') {
      // A flag cluster's letters (flagSubsetPattern), also in the reading with brackets as characters.
      if ((char === '*' || char === '+') && /^(\[[^\]]+\]|\\\[[^\]]+\\\])\)/.test(pattern.slice(i + 2))) {
        i = pattern.indexOf(')', i);
        continue;
      }
      const repeated = char === '*' || char === '+';
      if (repeated || char === '!') {
        if (inRepeat()) nested = true;
        repeats++;
      }
      groups.push(repeated);
      i++;
    } else if (char === ')' && groups.length > 0) {
      groups.pop();
    } else if (char === '*') {
      if (inRepeat()) nested = true;
      repeats++;
      while (pattern[i + 1] === '*' && pattern[i + 2] !== '(') i++;
    }
  }
  return { repeats, nested };
}

/**
 * The pattern with each `@(a|b)` and `?(a|b)` whose choices are plain text (`*` and `?` allowed) written as the
 * braces they stand for (`{a,b}`, `{,a,b}`), so it can be matched in linear time over a line of any length
 * (`*kubectl * -n @(prod|live)*`); a class repeated stays. Undefined when it has another extended glob, or none.
 */
export function extglobsAsBraces(pattern: string): string | undefined {
  let out = '';
  let changed = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\' && i + 1 < pattern.length) {
      out += char + pattern[++i];
    } else if ('@!+?*'.includes(char) && pattern[i + 1] === '(') {
      const end = pattern.indexOf(')', i + 2);
      const inner = end === -1 ? undefined : pattern.slice(i + 2, end);
      // A class repeated (`*([A-Za-z])`, a flag cluster's letters) is read by the linear matcher as it is.
      if ((char === '*' || char === '+') && inner !== undefined && /^\[[^\]]+\]$/.test(inner)) {
        out += pattern.slice(i, end + 1);
        i = end;
        continue;
      }
      if ((char !== '@' && char !== '?') || inner === undefined || /[(){}[\]\\!@+]/.test(inner)) return undefined;
      const choices = inner.split('|').map((choice) => choice.replace(/,/g, '\\,'));
      out += `{${char === '?' ? ',' : ''}${choices.join(',')}${choices.length === 1 && char === '@' ? ',' + choices[0] : ''}}`;
      changed = true;
      i = end;
    } else out += char;
  }
  return changed ? out : undefined;
}
