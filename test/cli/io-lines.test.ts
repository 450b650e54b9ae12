import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeLine } from '../../src/cli/io.js';
import { terminalSafe } from '../../src/tui/visible-text.js';

// Lines ksa prints hold names others chose (a plan's file name, an MCP tool's description, a model's id).

function written(isTTY: boolean, line: string): string {
  const stream = Object.assign(new PassThrough(), { isTTY });
  writeLine(stream, line);
  return String(stream.read());
}

describe('writeLine', () => {
  it('on a terminal: escapes, bidi overrides and zero-width characters are shown; ksa’s own colours stay', () => {
    const line = `\u001b[32m✓\u001b[39m deploy\u001b]52;c;cHduZWQ=\u0007.yaml: valid \u202eplan\u200b 👩‍💻`;
    expect(written(true, line)).toBe('\u001b[32m✓\u001b[39m deploy\\e]52;c;cHduZWQ=\\x07.yaml: valid \\u202eplan\\u200b 👩‍💻\n');
  });

  it('to a pipe or a file: the line as it is (a plan written with ksa plan > file stays what it was)', () => {
    expect(written(false, 'name: "n\u202e"')).toBe('name: "n\u202e"\n');
  });

  it('terminalSafe keeps colour codes only: a cursor move or a clear-screen in a name is shown', () => {
    expect(terminalSafe('a\u001b[2Jb\u001b[1;31mc\u001b[0m')).toBe('a\\e[2Jb\u001b[1;31mc\u001b[0m');
  });
});
