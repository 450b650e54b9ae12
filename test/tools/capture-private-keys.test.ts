import { describe, expect, it } from 'vitest';
import { CommandFailedError } from '../../src/tools/errors.js';
import { BoundedCapture } from '../../src/tools/output-capture.js';

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
