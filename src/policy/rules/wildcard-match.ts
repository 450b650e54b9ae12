/**
 * A matcher for the patterns rules are mostly written with: literal characters, `\x`, `*`, `?`,
 * bracket classes (`[a-z]`, `[!a]`, `[^a]`) and a class repeated (`*([A-Za-z])`, `+([0-9])`).
 * It runs in time proportional to the pattern's length times the subject's, whatever the pattern:
 * all the places the pattern may have reached are followed at once, instead of trying one way and
 * going back (a regular expression's way, which `*a*a*a*a*…b` over a long line of `a` keeps busy
 * for ever). Quotes are characters like any other. Undefined for a pattern with other syntax
 * (`{a,b}`, `@(…)`, `!(…)`, a POSIX class), which command-glob.ts leaves to picomatch.
 */
export function wildcardMatcher(pattern: string): ((subject: string) => boolean) | undefined {
  const tokens = tokenize(pattern);
  if (tokens === undefined) return undefined;
  // Most rules name literals (`rm -rf /srv1/`, `delete * prod*`): a line without one of them is answered at the
  // cost of substring searches, not of following the pattern over a long line. Rules are matched against
  // every reading of every command, so this is most of their cost.
  const needed = literalRuns(tokens);
  // A pattern of literals only is the line itself; one that begins or ends with literals holds them there.
  if (tokens.every((token) => token.kind === 'one' && token.literal !== undefined)) {
    const whole = needed[0] ?? '';
    return (subject) => subject === whole;
  }
  const prefix = literalEdge(tokens);
  const suffix = [...literalEdge([...tokens].reverse())].reverse().join('');
  return (subject) => subject.startsWith(prefix) && subject.endsWith(suffix) && needed.every((literal) => subject.includes(literal)) && run(tokens, subject);
}

/** The literal characters the tokens begin with. */
function literalEdge(tokens: readonly Token[]): string {
  let edge = '';
  for (const token of tokens) {
    if (token.kind !== 'one' || token.literal === undefined) break;
    edge += token.literal;
  }
  return edge;
}

/** The runs of literal characters of the pattern, longest first: a line it matches holds each. */
function literalRuns(tokens: readonly Token[]): string[] {
  const runs: string[] = [];
  let current = '';
  for (const token of tokens) {
    if (token.kind === 'one' && token.literal !== undefined) current += token.literal;
    else {
      if (current !== '') runs.push(current);
      current = '';
    }
  }
  if (current !== '') runs.push(current);
  return runs.sort((a, b) => b.length - a.length);
}

type CharTest = (char: string) => boolean;

/** One place of the pattern: a character to match, or a run of them (`*` is any character, repeated). */
type Token = { readonly kind: 'one'; readonly test: CharTest; readonly literal?: string } | { readonly kind: 'many'; readonly test: CharTest };

const ANY: CharTest = () => true;

function tokenize(pattern: string): Token[] | undefined {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    const next = pattern[i + 1];
    if (char === '\\') {
      const literal = next ?? '\\';
      tokens.push(exactly(literal));
      i++;
    } else if ((char === '*' || char === '+' || char === '?' || char === '@' || char === '!') && next === '(') {
      // An extended glob: only a single class repeated is read here (`*([A-Za-z])`, flag clusters).
      const klass = pattern[i + 2] === '[' ? readClass(pattern, i + 2) : undefined;
      if (!klass || pattern[klass.end] !== ')' || (char !== '*' && char !== '+')) return undefined;
      if (char === '+') tokens.push(one(klass.test));
      tokens.push({ kind: 'many', test: klass.test });
      i = klass.end;
    } else if (char === '*') {
      if (tokens.at(-1)?.kind !== 'many' || tokens.at(-1)!.test !== ANY) tokens.push({ kind: 'many', test: ANY });
    } else if (char === '?') {
      tokens.push(one(ANY));
    } else if (char === '[') {
      const klass = readClass(pattern, i);
      if (klass === null) return undefined;
      if (klass === undefined) tokens.push(one((c) => c === '['));
      else {
        tokens.push(one(klass.test));
        i = klass.end - 1;
      }
    } else if (char === '{' || char === '(' || char === ')') {
      return undefined;
    } else {
      tokens.push(exactly(char));
    }
  }
  return tokens;
}

function one(test: CharTest): Token {
  return { kind: 'one', test };
}

function exactly(char: string): Token {
  return { kind: 'one', test: (c) => c === char, literal: char };
}

/**
 * The bracket class starting at `start` and the index after its `]`; undefined when there is no
 * closing `]` (the `[` is then literal); null for a class this matcher does not read (`[[:alpha:]]`).
 */
function readClass(pattern: string, start: number): { test: CharTest; end: number } | undefined | null {
  let i = start + 1;
  const negated = pattern[i] === '!' || pattern[i] === '^';
  if (negated) i++;
  const items: [string, string][] = [];
  let first = true;
  for (; i < pattern.length; i++) {
    let char = pattern[i]!;
    if (char === ']' && !first) break;
    first = false;
    if (char === '[' && pattern[i + 1] === ':') return null;
    if (char === '\\' && i + 1 < pattern.length) char = pattern[++i]!;
    if (pattern[i + 1] === '-' && pattern[i + 2] !== undefined && pattern[i + 2] !== ']') {
      let to = pattern[i + 2]!;
      i += 2;
      if (to === '\\' && i + 1 < pattern.length) to = pattern[++i]!;
      items.push([char, to]);
    } else items.push([char, char]);
  }
  if (i >= pattern.length) return undefined;
  const test: CharTest = (c) => items.some(([from, to]) => c >= from && c <= to) !== negated;
  return { test, end: i + 1 };
}

/** Every place the pattern may have reached after each character of the subject, all followed together. */
function run(tokens: readonly Token[], subject: string): boolean {
  let active = new Uint8Array(tokens.length + 1);
  let next = new Uint8Array(tokens.length + 1);
  const reach = (set: Uint8Array, from: number) => {
    // A run may be empty: reaching it reaches what follows it too.
    for (let at = from; at <= tokens.length && !set[at]; at++) {
      set[at] = 1;
      if (tokens[at]?.kind !== 'many') break;
    }
  };
  reach(active, 0);
  for (const char of subject) {
    next.fill(0);
    let any = false;
    for (let at = 0; at < tokens.length; at++) {
      if (!active[at]) continue;
      const token = tokens[at]!;
      if (!token.test(char)) continue;
      reach(next, token.kind === 'many' ? at : at + 1);
      any = true;
    }
    if (!any) return false;
    [active, next] = [next, active];
  }
  return active[tokens.length] === 1;
}
