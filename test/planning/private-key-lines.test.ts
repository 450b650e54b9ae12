import { describe, expect, it } from 'vitest';
import { hideCredentials } from '../../src/planning/credential-shapes.js';
import { maskingPrivateKeyLines, privateKeyLineMasker } from '../../src/planning/private-key-lines.js';
import type { OutputStream, ToolCall } from '../../src/planning/tool-call.js';

// A tool prints a key a line at a time: only its header has a shape, the base64 lines of its body have none.

const BODY = ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7', 'q9r8s7t6u5v4w3x2y1z0AbCdEfGhIjKlMnOpQrStUvWxYz0123', 'Zm9vYmFy=='];

function feed(lines: readonly (readonly [string, OutputStream])[]): string[] {
  const mask = privateKeyLineMasker('***');
  return lines.map(([line, stream]) => mask(line, stream));
}

const out = (line: string) => [line, 'stdout'] as const;
const err = (line: string) => [line, 'stderr'] as const;

describe('private keys printed a line at a time', () => {
  it('masks every line from the header to the footer, and none around them', () => {
    const lines = ['wrote id_rsa:', '-----BEGIN RSA PRIVATE KEY-----', ...BODY, '', '-----END RSA PRIVATE KEY-----', 'done'];
    expect(feed(lines.map(out))).toEqual(['wrote id_rsa:', '***', '***', '***', '***', '***', '***', 'done']);
  });

  it('masks the header where a line opens a key after other text (indented in YAML, after a field name)', () => {
    expect(feed([out('  tls.key: -----BEGIN EC PRIVATE KEY-----'), out(`    ${BODY[0]}`), out('    -----END EC PRIVATE KEY-----'), out('  tls.crt: x')])).toEqual(['  tls.key: ***', '***', '***', '  tls.crt: x']);
  });

  it('masks a key that is never closed while its lines can be its body, and shows the first that cannot be', () => {
    expect(feed([out('-----BEGIN OPENSSH PRIVATE KEY-----'), ...BODY.map(out), out(''), out('next step'), out(BODY[0]!)])).toEqual(['***', '***', '***', '***', '***', 'next step', BODY[0]]);
  });

  it('keeps the streams apart: stderr printed between the lines of a key on stdout is shown, and does not close it', () => {
    const lines = [out('-----BEGIN PRIVATE KEY-----'), err('warning: -----END PRIVATE KEY-----'), out(BODY[0]!), err('progress 50%'), out('-----END PRIVATE KEY-----'), out('ok')];
    expect(feed(lines)).toEqual(['***', 'warning: -----END PRIVATE KEY-----', '***', 'progress 50%', '***', 'ok']);
  });

  it('masks OpenPGP, encrypted and PKCS#8 keys alike, each kind closing on its footer', () => {
    for (const label of ['PGP PRIVATE KEY BLOCK', 'ENCRYPTED PRIVATE KEY', 'PRIVATE KEY', 'DSA PRIVATE KEY']) {
      expect(feed([out(`-----BEGIN ${label}-----`), out('Comment: x'), out(BODY[1]!), out(`-----END ${label}-----`), out('after')]), label).toEqual(['***', '***', '***', '***', 'after']);
    }
    expect(hideCredentials(`-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${BODY[1]}\n-----END PGP PRIVATE KEY BLOCK-----\nafter`, '***')).toBe('***\nafter');
  });

  it('leaves a key written whole on one line masked in place, and the lines after it shown', () => {
    expect(feed([out(`{"key":"-----BEGIN PRIVATE KEY-----\\n${BODY[0]}\\n-----END PRIVATE KEY-----\\n","ok":true}`), out('next')])).toEqual(['{"key":"***\\n","ok":true}', 'next']);
  });

  it('opens a key again after a footer on the same line, and a second key after the first one closed', () => {
    expect(feed([out('-----BEGIN PRIVATE KEY-----'), out('-----END PRIVATE KEY----- -----BEGIN PRIVATE KEY-----'), out(BODY[0]!), out('-----END PRIVATE KEY-----'), out('-----BEGIN RSA PRIVATE KEY-----'), out(BODY[1]!), out('-----END RSA PRIVATE KEY-----'), out('x')])).toEqual(['***', '***', '***', '***', '***', '***', '***', 'x']);
  });

  it('starts every call (an attempt, a rollback) with no key open, whatever the one before it left open', async () => {
    const shown: string[] = [];
    const invoke = maskingPrivateKeyLines(async (call: ToolCall) => {
      for (const line of call.args.lines as string[]) call.onOutput(line, 'stdout');
      return undefined;
    }, '***');
    const call = (lines: string[]): ToolCall => ({ tool: 'shell', args: { lines }, stepId: 's', attempt: 1, phase: 'run', signal: new AbortController().signal, onOutput: (line) => shown.push(line) });
    await invoke(call(['-----BEGIN PRIVATE KEY-----', BODY[0]!]));
    await invoke({ ...call(['retrying', BODY[1]!]), attempt: 2 });
    expect(shown).toEqual(['***', '***', 'retrying', BODY[1]]);
  });
});
