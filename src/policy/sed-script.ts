/** What a sed script does besides printing. */
export type SedEffects = {
  /** It writes a file: the `w`/`W` commands, the `s///w` flag. */
  readonly writes: boolean;
  /**
   * The commands it runs: the text of each `e command`, or undefined where what runs is the
   * input (`e` alone runs the pattern space, as does the `s///e` flag).
   */
  readonly runs: readonly (string | undefined)[];
};

/** Commands without an argument (`l`, `L`, `q`, `Q` take an optional number). */
const PLAIN = new Set([...'=dDgGhHnNpPxzFlLqQ']);
const END_OF_COMMAND = new Set([';', '\n', '}', '#']);

/**
 * Reads a GNU sed script the way sed does, command by command (addresses, `!`, blocks, `s`
 * and `y` with any delimiter, text arguments to the end of the line), to find what it
 * writes and runs: `1e rm -rf x` runs `rm -rf x` on line 1, and the `e` may follow any
 * address. Undefined when the script is not one sed would accept as ksa reads it: then
 * it may do anything.
 */
export function sedEffects(script: string): SedEffects | undefined {
  const reader = new SedReader(script);
  try {
    reader.readAll();
  } catch (error) {
    if (error instanceof UnreadableScript) return undefined;
    throw error;
  }
  return { writes: reader.writes, runs: reader.runs };
}

class UnreadableScript extends Error {}

class SedReader {
  writes = false;
  readonly runs: (string | undefined)[] = [];
  private at = 0;

  constructor(private readonly text: string) {}

  readAll(): void {
    while (this.at < this.text.length) {
      const char = this.text[this.at]!;
      if (/\s/.test(char) || char === ';' || char === '}') this.at++;
      else if (char === '#') this.toLineEnd();
      else this.command();
    }
  }

  private command(): void {
    if (this.address()) {
      this.blanks();
      if (this.peek() === ',') {
        this.at++;
        this.blanks();
        if (!this.address(true)) throw new UnreadableScript();
      }
    }
    this.blanks();
    while (this.peek() === '!') {
      this.at++;
      this.blanks();
    }
    const name = this.text[this.at++];
    switch (name) {
      case '{':
        return;
      case 'a':
      case 'i':
      case 'c':
        return this.textArgument();
      case ':':
      case 'b':
      case 't':
      case 'T':
      case 'v':
        return this.label();
      case 'r':
      case 'R':
        this.toLineEnd();
        return;
      case 'w':
      case 'W':
        this.writes = true;
        this.toLineEnd();
        return;
      case 'e': {
        const command = this.toLineEnd().trim();
        this.runs.push(command === '' ? undefined : command);
        return;
      }
      case 's':
        this.substitute();
        return this.endOfCommand();
      case 'y':
        this.delimited(2);
        return this.endOfCommand();
      default:
        if (name === undefined || !PLAIN.has(name)) throw new UnreadableScript();
        if ('lLqQ'.includes(name)) {
          this.blanks();
          while (/[0-9]/.test(this.peek())) this.at++;
        }
        return this.endOfCommand();
    }
  }

  /** `12`, `$`, `/re/I`, `\%re%`, `first~step`; after a comma also `+N` and `~N`. */
  private address(second = false): boolean {
    const char = this.peek();
    if (/[0-9]/.test(char) || (second && (char === '+' || char === '~'))) {
      this.at++;
      while (/[0-9~]/.test(this.peek())) this.at++;
      return true;
    }
    if (char === '$') {
      this.at++;
      return true;
    }
    if (char === '/' || char === '\\') {
      if (char === '\\') this.at++;
      this.delimited(1);
      while (this.peek() === 'I' || this.peek() === 'M') this.at++;
      return true;
    }
    return false;
  }

  /** `s/re/replacement/flags`: the `e` flag runs the result, `w file` writes it. */
  private substitute(): void {
    this.delimited(2);
    for (;;) {
      const flag = this.peek();
      if (flag === 'e') this.runs.push(undefined);
      else if (flag === 'w') {
        this.writes = true;
        this.at++;
        this.toLineEnd();
        return;
      } else if (flag === '' || !/[gpiImM0-9]/.test(flag)) return;
      this.at++;
    }
  }

  /** A delimiter, then `parts` texts each ended by it (a backslash escapes the next character). */
  private delimited(parts: number): void {
    const delimiter = this.text[this.at++];
    if (delimiter === undefined || delimiter === '\n' || delimiter === '\\') throw new UnreadableScript();
    for (let part = 0; part < parts; part++) {
      for (;;) {
        const char = this.text[this.at++];
        if (char === undefined) throw new UnreadableScript();
        if (char === '\\') this.at++;
        else if (char === delimiter) break;
      }
    }
  }

  /** `a text`, `a\` + lines: to the end of a line not ended by a backslash. */
  private textArgument(): void {
    for (;;) {
      const line = this.toLineEnd();
      if (!/(^|[^\\])(\\\\)*\\$/.test(line) || this.at >= this.text.length) return;
    }
  }

  private label(): void {
    while (this.at < this.text.length && this.peek() !== ';' && this.peek() !== '\n') this.at++;
  }

  private endOfCommand(): void {
    this.blanks();
    if (this.at < this.text.length && !END_OF_COMMAND.has(this.peek())) throw new UnreadableScript();
  }

  private toLineEnd(): string {
    const end = this.text.indexOf('\n', this.at);
    const stop = end === -1 ? this.text.length : end;
    const line = this.text.slice(this.at, stop);
    this.at = stop + 1;
    return line;
  }

  private blanks(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.at++;
  }

  private peek(): string {
    return this.text[this.at] ?? '';
  }
}
