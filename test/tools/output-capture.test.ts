import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/store/redact.js';
import { BoundedCapture, LineSplitter, stripFinalNewline } from '../../src/tools/output-capture.js';

function split(chunks: (string | Uint8Array)[], maxLineChars?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), maxLineChars);
  for (const chunk of chunks) splitter.write(chunk);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it('joins lines split across chunks and flushes the last line without newline', () => {
    expect(split(['a\nb', 'c', '\r\n\nd'])).toEqual(['a', 'bc', '', 'd']);
    expect(split(['x\n'])).toEqual(['x']);
    expect(split([])).toEqual([]);
  });

  it('a lone \\r ends a segment as a line end does (progress output), delivered as soon as it is complete', () => {
    expect(split(['progress 10%\rprogress 50%\r', 'red text\n'])).toEqual(['progress 10%', 'progress 50%', 'red text']);
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.write('Downloading layer   8%\rDownloading layer  16%\r');
    expect(lines).toEqual(['Downloading layer   8%', 'Downloading layer  16%']);
    splitter.write('Downloading layer 100%\r\n');
    splitter.end();
    expect(lines).toEqual(['Downloading layer   8%', 'Downloading layer  16%', 'Downloading layer 100%']);
  });

  it('progress drawn as \\rtext (curl, tqdm, pip) is delivered as soon as it arrives, each update once', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.write('\rprogress 10%');
    expect(lines).toEqual(['progress 10%']);
    splitter.write('\rprogress 20%');
    expect(lines).toEqual(['progress 10%', 'progress 20%']);
    splitter.write('\rprogress 30%');
    splitter.write('\n');
    splitter.write('done\n');
    splitter.end();
    expect(lines).toEqual(['progress 10%', 'progress 20%', 'progress 30%', 'done']);
    // The last update with no line end after it, and one ended by CRLF, are not delivered again either.
    expect(split(['\rdownloading 1/2', '\rdownloading 2/2'])).toEqual(['downloading 1/2', 'downloading 2/2']);
    expect(split(['\r 50%', '\r100%', '\r\n', 'next\n'])).toEqual([' 50%', '100%', 'next']);
    // A line that no \r has rewritten still waits for its end.
    expect(split(['plain ', 'line\n'])).toEqual(['plain line']);
  });

  it('CRLF is one line end, even split across chunks or after progress; empty segments of a \\r add nothing', () => {
    expect(split(['a\r', '\nb\r\n'])).toEqual(['a', 'b']);
    expect(split(['a\r\n\r\nb'])).toEqual(['a', '', 'b']);
    expect(split(['\r', '\n', 'x'])).toEqual(['', 'x']);
    expect(split(['50%\r', '100%\r', '\r\n', 'next\n'])).toEqual(['50%', '100%', 'next']);
    expect(split(['\rstart\r\rend'])).toEqual(['start', 'end']);
  });

  it('keeps a multi-byte character split across chunks whole', () => {
    const bytes = Buffer.from('é€\n');
    expect(split([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)])).toEqual(['é€']);
  });

  it('delivers an overlong line in pieces without splitting surrogate pairs', () => {
    expect(split(['abcdefg'], 3)).toEqual(['abc', 'def', 'g']);
    expect(split(['ab😀cd'], 3)).toEqual(['ab', '😀', 'cd']);
  });

  it('cuts an overlong line where no credential is cut in two, so each piece masks what it holds', () => {
    const token = 'ghp_' + 'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2';
    const hidden = (lines: string[]) => lines.map((line) => createRedactor([]).text(line));
    // The token straddles the 100th character, written in two pieces as a tool would.
    expect(hidden(split([`${'x'.repeat(89)} ${token.slice(0, 20)}`, `${token.slice(20)} done`, '\n'], 100))).toEqual([`${'x'.repeat(89)} `, '*** done']);
    // No space near the limit (minified JSON): cut where the token starts, or before a URL whose authority is open.
    expect(hidden(split([`{"a":"${'y'.repeat(80)}","t":"${token}"}`, '\n'], 100))).toEqual([`{"a":"${'y'.repeat(80)}","t":"`, '***"}']);
    expect(hidden(split([`${'z'.repeat(80)},postgres://app:pa55-w0rd@db/prod`, '\n'], 100))).toEqual([`${'z'.repeat(80)},`, 'postgres://app:***@db/prod']);
    expect(hidden(split([`${'z'.repeat(80)},postgres://app:pa55`, `-w0rd@db/prod`, '\n'], 100))).toEqual([`${'z'.repeat(80)},`, 'postgres://app:***@db/prod']);
    // A run with nothing to cut at near the limit is cut at it, as before.
    expect(split(['a'.repeat(250)], 100).map((line) => line.length)).toEqual([100, 100, 50]);
  });
});

describe('BoundedCapture', () => {
  it('keeps everything under the limit', () => {
    const capture = new BoundedCapture(10);
    capture.write('hello');
    capture.write(Buffer.from('world'));
    expect(capture.truncated).toBe(false);
    expect(capture.text()).toBe('helloworld');
  });

  it('keeps head and tail and counts the dropped middle', () => {
    const capture = new BoundedCapture(10);
    for (const chunk of ['01234', '56789', 'abcde', 'fghij']) capture.write(chunk);
    expect(capture.truncated).toBe(true);
    expect(capture.droppedBytes).toBe(10);
    expect(capture.text()).toBe('01234\n…[10 bytes truncated]…\nfghij');
  });

  it('does not leave broken characters at the cuts', () => {
    const capture = new BoundedCapture(6);
    capture.write('ab€cd€€xy');
    expect(capture.text()).toMatch(/^ab\n…\[\d+ bytes truncated\]…\nxy$/);
  });
});

describe('stripFinalNewline', () => {
  it('removes exactly one trailing newline', () => {
    expect(stripFinalNewline('a\n\n')).toBe('a\n');
    expect(stripFinalNewline('a\r\n')).toBe('a');
    expect(stripFinalNewline('a')).toBe('a');
  });
});
