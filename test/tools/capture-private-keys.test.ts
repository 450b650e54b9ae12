import { describe, expect, it } from 'vitest';
import { CommandFailedError } from '../../src/tools/errors.js';
import { privateKeyLineMasker } from '../../src/planning/private-key-lines.js';
import { BoundedCapture, LineSplitter, MAX_LINE_CHARS } from '../../src/tools/output-capture.js';

// What is kept of a step's output, and what its failure quotes, hide a private key's body though its header is elsewhere.

const BODY = Array.from({ length: 40 }, (_, i) => `MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7q9r8s7t6u5v4w${String(i).padStart(3, '0')}`);

describe('a private key in captured output', () => {
  it('is hidden in the kept tail when its header fell in the dropped middle', () => {
    const capture = new BoundedCapture(4096);
    capture.write(`${'filler line\n'.repeat(400)}-----BEGIN RSA PRIVATE KEY-----\n`);
    for (const line of BODY) capture.write(`${line}\n`);
    capture.write('-----END RSA PRIVATE KEY-----\nall done\n');
    const text = capture.text();
    expect(capture.truncated).toBe(true);
    for (const line of BODY) expect(text).not.toContain(line.slice(20));
    expect(text.endsWith('bytes truncated]…\n***\nall done\n')).toBe(true);
  });

  it('is hidden in the kept tail when its header ended a line longer than the line limit', () => {
    const capture = new BoundedCapture(8192);
    capture.write(`${'x'.repeat(MAX_LINE_CHARS + 5000)}-----BEGIN RSA PRIVATE KEY-----\n`);
    for (const line of BODY) capture.write(`${line}\n`);
    capture.write(`-----END RSA PRIVATE KEY-----\n${'plain line\n'.repeat(250)}`);
    const text = capture.text();
    for (const line of BODY) expect(text).not.toContain(line.slice(20));
    expect(text.split('bytes truncated]…\n')[1]).toBe(`***\n${'plain line\n'.repeat(250)}`);
  });

  it('is hidden in the kept tail when it is escaped into one line of JSON, anywhere on it, however long the line', () => {
    for (const pad of [5000, MAX_LINE_CHARS + 5000, 3 * MAX_LINE_CHARS]) {
      const capture = new BoundedCapture(8192);
      const escaped = JSON.stringify(['-----BEGIN PRIVATE KEY-----', ...BODY, '-----END PRIVATE KEY-----', ''].join('\n'));
      capture.write(`{"pad":"${'x'.repeat(pad)}","key":${escaped},"after":"ok"}\n${'plain line\n'.repeat(250)}`);
      const text = capture.text();
      for (const line of BODY) expect(text).not.toContain(line.slice(20));
      expect(text.split('bytes truncated]…\n')[1]).toBe(`***\\n","after":"ok"}\n${'plain line\n'.repeat(250)}`);
    }
  });

  it('a key escaped into a long line is delivered whole in one of its pieces, so the line masker hides it', () => {
    const escaped = JSON.stringify(['-----BEGIN PRIVATE KEY-----', ...BODY, '-----END PRIVATE KEY-----', ''].join('\n'));
    // The key straddles the line limit.
    const line = `{"pad":"${'x'.repeat(MAX_LINE_CHARS - 1000)}","key":${escaped},"after":"ok"}`;
    const mask = privateKeyLineMasker('***');
    const pieces: string[] = [];
    const splitter = new LineSplitter((piece) => pieces.push(mask(piece, 'stdout')));
    splitter.write(line);
    splitter.write('\n');
    splitter.end();
    expect(pieces.length).toBeGreaterThan(1);
    for (const body of BODY) expect(pieces.join('')).not.toContain(body.slice(20));
    expect(pieces.join('')).toContain('***\\n","after":"ok"}');
  });

  it('keeps a tail that starts after a key ended as it was', () => {
    const capture = new BoundedCapture(4096);
    capture.write(`-----BEGIN RSA PRIVATE KEY-----\n${BODY.join('\n')}\n-----END RSA PRIVATE KEY-----\n${'plain line 1\n'.repeat(400)}`);
    const tail = capture.text().split('bytes truncated]…\n')[1]!;
    expect(tail).not.toContain('***');
    expect(tail.slice(tail.indexOf('\n') + 1)).toBe('plain line 1\n'.repeat(Math.floor(tail.length / 13)));
  });

  it('a failure quotes the last stderr line as the output showed it, *** for a key\'s body', () => {
    const error = new CommandFailedError({ label: 'command', exitCode: 3, stdout: '', stderr: `-----BEGIN RSA PRIVATE KEY-----\n${BODY.slice(0, 4).join('\n')}`, truncated: false });
    expect(error.message).toBe('command exited with code 3: ***');
    expect(new CommandFailedError({ label: 'command', exitCode: 1, stdout: '', stderr: 'boom: disk full', truncated: false }).message).toBe('command exited with code 1: boom: disk full');
  });
});
