import { describe, expect, it } from 'vitest';
import { maskingPrivateKeyLines, privateKeyLineMasker } from '../../src/planning/private-key-lines.js';
import type { OutputStream, ToolCall } from '../../src/planning/tool-call.js';
import { sshKeys } from '../helpers/ssh-keys.js';

// A key printed with its header on one stream and its body on the other: the two pipes have no order between them,
// and its body is masked whichever is read first.

const KEYS = sshKeys();

type Line = readonly [string, OutputStream];
const out = (line: string): Line => [line, 'stdout'];
const err = (line: string): Line => [line, 'stderr'];

/** What each stream shows, in the order it shows it, once the output has ended. */
function shown(lines: readonly Line[]): Record<OutputStream, string[]> {
  const streams: Record<OutputStream, string[]> = { stdout: [], stderr: [] };
  const masker = privateKeyLineMasker('***', (line, stream) => streams[stream].push(line));
  for (const [line, stream] of lines) masker.line(line, stream);
  masker.end();
  return streams;
}

const masked = (lines: readonly string[]) => lines.map(() => '***');

describe('a private key printed across stdout and stderr', () => {
  it('has its body masked read before its header or after it, each format alike', () => {
    for (const [format, key] of Object.entries(KEYS)) {
      const body = key.body.map(out);
      const expected = { stdout: [...masked(key.body), key.footer, 'deploy ok'], stderr: ['***'] };
      expect(shown([...body, out(key.footer), err(key.header), out('deploy ok')]), `${format}: body first`).toEqual(expected);
      expect(shown([...body.slice(0, 2), err(key.header), ...body.slice(2), out(key.footer), out('deploy ok')]), `${format}: header between`).toEqual(expected);
      expect(shown([err(key.header), ...body, out(key.footer), out('deploy ok')]), `${format}: header first`).toEqual(expected);
    }
  });

  it('has its body masked without a footer when the header comes later, or is the last the other stream printed', () => {
    const { body, header } = KEYS.pem;
    expect(shown([...body.map(out), err(header), out('deploy ok')])).toEqual({ stdout: [...masked(body), 'deploy ok'], stderr: ['***'] });
    expect(shown([...body.map(out), err(header)])).toEqual({ stdout: masked(body), stderr: ['***'] });
    expect(shown([err('starting'), ...body.map(out), err(header)])).toEqual({ stdout: masked(body), stderr: ['starting', '***'] });
  });

  it('masks a body that ends on its footer though no stream printed its header (`tail -n +2 id_rsa`)', () => {
    const { body, footer } = KEYS.openssh;
    expect(shown([...body.map(out), out(footer)])).toEqual({ stdout: [...masked(body), footer], stderr: [] });
  });

  it('shows base64 that no key header or footer comes with, each stream\'s lines in their order', () => {
    const { body } = KEYS.pkcs8;
    expect(shown([out('token:'), out(body[0]!), out(body[1]!), err('warning: slow'), out('deploy ok')])).toEqual({ stdout: ['token:', body[0], body[1], 'deploy ok'], stderr: ['warning: slow'] });
    expect(shown([out(body[0]!)])).toEqual({ stdout: [body[0]], stderr: [] });
    // A certificate's body is not a key's, its footer says so.
    const certificate = ['-----BEGIN CERTIFICATE-----', ...body, '-----END CERTIFICATE-----'];
    expect(shown(certificate.map(out))).toEqual({ stdout: certificate, stderr: [] });
  });

  it('shows a long dump of base64 as it comes, past what any key\'s body holds, without holding all of it', () => {
    const line = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3';
    const streams: string[] = [];
    const masker = privateKeyLineMasker('***', (shownLine) => streams.push(shownLine));
    for (let i = 0; i < 2000; i++) masker.line(line, 'stdout');
    expect(streams.length).toBeGreaterThan(1400);
    masker.end();
    expect(streams).toEqual(Array.from({ length: 2000 }, () => line));
  });

  it('says the lines it held before the call\'s end is heard', async () => {
    const { header, body, footer } = KEYS.pem;
    const lines: string[] = [];
    const invoke = maskingPrivateKeyLines(async (call: ToolCall) => {
      for (const line of body) call.onOutput(line, 'stdout');
      call.onOutput(header, 'stderr');
      call.onOutput(body[0]!, 'stdout');
      return 'done';
    }, '***');
    const signal = new AbortController().signal;
    const result = await invoke({ tool: 'shell', args: {}, stepId: 's', attempt: 1, phase: 'run', signal, onOutput: (line) => lines.push(line) });
    lines.push(String(result));
    expect(lines).toEqual([...masked(body), '***', '***', 'done']);
    expect(lines).not.toContain(footer);
  });

  it('says them as the call is stopped, not after its end', async () => {
    const { body } = KEYS.pkcs8;
    const lines: string[] = [];
    const controller = new AbortController();
    const invoke = maskingPrivateKeyLines(
      (call: ToolCall) =>
        new Promise((_resolve, reject) => {
          for (const line of body) call.onOutput(line, 'stdout');
          call.signal.addEventListener('abort', () => setTimeout(() => reject(call.signal.reason as Error), 10));
        }),
      '***',
    );
    const ended = invoke({ tool: 'shell', args: {}, stepId: 's', attempt: 1, phase: 'run', signal: controller.signal, onOutput: (line) => lines.push(line) }).catch(() => 'stopped');
    expect(lines).toEqual([]);
    controller.abort(new Error('timed out'));
    expect(lines).toEqual(body);
    expect(await ended).toBe('stopped');
    expect(lines).toEqual(body);
  });
});
