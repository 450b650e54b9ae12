/**
 * Where strict JSON first goes wrong, as an offset into the text (undefined when it is valid).
 * JSON.parse gives no position for some of its errors (`Unexpected token ']'` after a trailing
 * comma, `Unexpected end of JSON input`), so the text is scanned again to find it. Iterative, so
 * a deeply nested document cannot exhaust the stack.
 */
export function jsonErrorOffset(text: string): number | undefined {
  const open: ('{' | '[')[] = [];
  // What may come next: any value; a value or `]` (just after `[`); a key or `}` (just after `{`); a key; `,` or a close.
  let expect: 'value' | 'valueOrClose' | 'keyOrClose' | 'key' | 'next' = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (i >= text.length) return expect === 'next' && open.length === 0 ? undefined : i;
    const c = text[i]!;
    if ((expect === 'valueOrClose' && c === ']') || (expect === 'keyOrClose' && c === '}') || (expect === 'next' && open.length > 0 && c === (open.at(-1) === '{' ? '}' : ']'))) {
      open.pop();
      i++;
      expect = 'next';
      continue;
    }
    if (expect === 'next') {
      if (c !== ',' || open.length === 0) return i;
      i++;
      expect = open.at(-1) === '{' ? 'key' : 'value';
      continue;
    }
    if (expect === 'key' || expect === 'keyOrClose') {
      if (c !== '"') return i;
      const end = stringEnd(text, i);
      if (end.error !== undefined) return end.error;
      i = end.at;
      while (i < text.length && isSpace(text.charCodeAt(i))) i++;
      if (text[i] !== ':') return i;
      i++;
      expect = 'value';
      continue;
    }
    if (c === '{' || c === '[') {
      open.push(c);
      i++;
      expect = c === '{' ? 'keyOrClose' : 'valueOrClose';
      continue;
    }
    const end = c === '"' ? stringEnd(text, i) : c === '-' || isDigit(c) ? numberEnd(text, i) : literalEnd(text, i);
    if (end.error !== undefined) return end.error;
    i = end.at;
    expect = 'next';
  }
}

type Scan = { readonly at: number; readonly error?: undefined } | { readonly at?: undefined; readonly error: number };

function stringEnd(text: string, start: number): Scan {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return { at: i + 1 };
    if (code < 0x20) return { error: i };
    if (code !== 0x5c) continue;
    const escape = text[++i];
    if (escape === 'u') {
      for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) return { error: i + k };
      i += 4;
    } else if (escape === undefined || !'"\\/bfnrt'.includes(escape)) return { error: i };
  }
  return { error: text.length };
}

function numberEnd(text: string, start: number): Scan {
  let i = start;
  if (text[i] === '-') i++;
  if (text[i] === '0') i++;
  else if (/[1-9]/.test(text[i] ?? '')) while (isDigit(text[i])) i++;
  else return { error: i };
  if (text[i] === '.') {
    i++;
    if (!isDigit(text[i])) return { error: i };
    while (isDigit(text[i])) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (!isDigit(text[i])) return { error: i };
    while (isDigit(text[i])) i++;
  }
  return { at: i };
}

function literalEnd(text: string, start: number): Scan {
  const word = ['true', 'false', 'null'].find((candidate) => candidate[0] === text[start]);
  if (!word) return { error: start };
  for (let k = 1; k < word.length; k++) if (text[start + k] !== word[k]) return { error: start + k };
  return { at: start + word.length };
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
