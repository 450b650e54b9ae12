import { describe, expect, it } from 'vitest';
import { credentialKinds, hideCredentials } from '../../src/planning/credential-shapes.js';
import { privateKeyLineMasker, privateKeyMaskedLines } from '../../src/planning/private-key-lines.js';
import type { OutputStream } from '../../src/planning/tool-call.js';

// A key's header says a key follows; its body is the lines after it that can be one. A header found in other text
// (a grep through documents) hides only such lines, not the rest of the output.

const BODY = ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7q9r8s7t6u5v4w3x2', 'q9r8s7t6u5v4w3x2y1z0AbCdEfGhIjKlMnOpQrStUvWxYz0123', 'Zm9vYmFy=='];
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', ...BODY, '-----END RSA PRIVATE KEY-----', ''].join('\n');

function feed(lines: readonly (readonly [string, OutputStream])[]): string[] {
  const mask = privateKeyLineMasker('***');
  return lines.map(([line, stream]) => mask(line, stream));
}
const out = (line: string) => [line, 'stdout'] as const;
const err = (line: string) => [line, 'stderr'] as const;

describe('the body of a private key', () => {
  it('is hidden however narrow its lines are wrapped: a key folded to 28 columns shows no line of its body', () => {
    const body = BODY.join('').replace(/=+$/, '');
    const folded = body.match(/.{1,28}/g)!;
    const lines = ['-----BEGIN RSA PRIVATE KEY-----', ...folded, '-----END RSA PRIVATE KEY-----', 'after'];
    expect(feed(lines.map(out))).toEqual([...lines.slice(0, -1).map(() => '***'), 'after']);
    expect(hideCredentials(lines.join('\n'), '***')).not.toContain(folded[1]);
  });

  it('ends at the first line that cannot be a key: a header in a document grep found leaves the later output shown', () => {
    expect(feed(['docs/keys.md:2:-----BEGIN RSA PRIVATE KEY-----', 'tests: 42 passed', 'deploy ok'].map(out))).toEqual(['docs/keys.md:2:***', 'tests: 42 passed', 'deploy ok']);
    expect(hideCredentials('docs/keys.md:2:-----BEGIN RSA PRIVATE KEY-----\ntests: 42 passed\ndeploy ok', '***')).toBe('docs/keys.md:2:***\ntests: 42 passed\ndeploy ok');
  });

  it('runs over armour headers, blank lines and body lines that carry the header line\'s prefix (numbers may change)', () => {
    const lines = ['keys.pem:1:-----BEGIN RSA PRIVATE KEY-----', 'keys.pem:2:Proc-Type: 4,ENCRYPTED', 'keys.pem:3:DEK-Info: AES-128-CBC,0A1B', 'keys.pem:4:', `keys.pem:5:${BODY[0]}`, 'keys.pem:6:-----END RSA PRIVATE KEY-----', 'keys.pem:7:after'];
    expect(feed(lines.map(out))).toEqual(['keys.pem:1:***', '***', '***', '***', '***', '***', 'keys.pem:7:after']);
    expect(hideCredentials(lines.join('\r\n'), '***')).toBe('keys.pem:1:***\r\nkeys.pem:7:after');
    expect(feed([out('data: -----BEGIN PRIVATE KEY-----'), out(`data: ${BODY[0]}`), out('data: {"ok":true}')])).toEqual(['data: ***', '***', 'data: {"ok":true}']);
  });

  it('in stored output, a key without its footer ends where its body ends', () => {
    expect(hideCredentials(`-----BEGIN PRIVATE KEY-----\n${BODY[0]}\n${BODY[1]}\nnext step ran\n`, '***')).toBe('***\nnext step ran\n');
    expect(hideCredentials(PEM + 'done', '***')).toBe('***\ndone');
  });

  // A bare word (done) can be the last line of a key's body: it is masked, as what cannot be told apart is.
  it('hides a PEM key encoded once more in base64 (kubeconfig client-key-data, a Secret\'s tls.key), not a certificate', () => {
    const encodedKey = Buffer.from(PEM).toString('base64');
    const encodedCert = Buffer.from(PEM.replaceAll('RSA PRIVATE KEY', 'CERTIFICATE')).toString('base64');
    expect(hideCredentials(`    client-key-data: ${encodedKey}\n    client-certificate-data: ${encodedCert}`, '***')).toBe(`    client-key-data: ***\n    client-certificate-data: ${encodedCert}`);
    expect(credentialKinds(`tls.key: ${encodedKey}`)).toEqual(['a private key']);
    const wrapped = encodedKey.match(/.{1,76}/g)!;
    expect(feed([...wrapped, 'done', 'deploy ok'].map(out))).toEqual([...wrapped.map(() => '***'), '***', 'deploy ok']);
  });

  it('runs over an SSH2 key\'s header lines continued with a trailing backslash (RFC 4716), however many', () => {
    const ssh2 = ['---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----', 'Subject: deploy', 'Comment: "2048-bit rsa, deploy@build-7, a comment too long for \\', 'one line, and too long \\', 'for two"', BODY[0]!, BODY[1]!, '---- END SSH2 ENCRYPTED PRIVATE KEY ----', 'after'];
    expect(feed(ssh2.map(out))).toEqual([...ssh2.slice(0, -1).map(() => '***'), 'after']);
    expect(hideCredentials(ssh2.join('\n'), '***')).toBe('***\nafter');
    // Without its footer (cut off): the body after the continued lines still ends the key where it ends.
    expect(hideCredentials([...ssh2.slice(0, 7), 'deploy ok'].join('\n'), '***')).toBe('***\ndeploy ok');
    // A line ending with a backslash is continued only in a key's header lines, not after a body line.
    expect(feed([ssh2[0]!, BODY[0]!, 'echo done \\', 'deploy ok'].map(out))).toEqual(['***', '***', 'echo done \\', 'deploy ok']);
  });

  it('runs over any RFC 4716 header line before an SSH2 key\'s body, whatever its tag, but not after the body or in a PEM key', () => {
    const headers = ['Key-Type: ed25519', 'Subject: deploy', 'X.Release_Tag~1: v2', `${'T'.repeat(64)}: long tag`, 'Note:'];
    const ssh2 = ['---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----', ...headers, BODY[0]!, BODY[1]!, '---- END SSH2 ENCRYPTED PRIVATE KEY ----', 'after'];
    expect(feed(ssh2.map(out))).toEqual([...ssh2.slice(0, -1).map(() => '***'), 'after']);
    expect(hideCredentials(ssh2.join('\n'), '***')).toBe('***\nafter');
    // Cut off before its footer, the key ends where its body does.
    expect(hideCredentials([...ssh2.slice(0, -2), 'Key-Type: ed25519', 'deploy ok'].join('\n'), '***')).toBe('***\nKey-Type: ed25519\ndeploy ok');
    // Not a header: a tag longer than 64 characters, or one with a space.
    expect(feed([ssh2[0]!, `${'T'.repeat(65)}: long tag`, BODY[0]!].map(out))).toEqual(['***', `${'T'.repeat(65)}: long tag`, BODY[0]!]);
    expect(feed([ssh2[0]!, 'Key Type: ed25519'].map(out))).toEqual(['***', 'Key Type: ed25519']);
    // PEM's armour keeps its own fields only.
    expect(feed(['-----BEGIN RSA PRIVATE KEY-----', 'Key-Type: rsa', BODY[0]!].map(out))).toEqual(['***', 'Key-Type: rsa', BODY[0]!]);
    // A header on one stream, its header lines and body on the other.
    expect(feed([out(ssh2[0]!), err('Key-Type: ed25519'), err(BODY[0]!)])).toEqual(['***', '***', '***']);
  });

  it('hides SSH2 and PuTTY key files, and a key\'s body printed on the other stream than its header', () => {
    const ssh2 = ['---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----', 'Comment: "rsa-key-20240101"', BODY[0]!, '---- END SSH2 ENCRYPTED PRIVATE KEY ----', 'after'];
    expect(feed(ssh2.map(out))).toEqual(['***', '***', '***', '***', 'after']);
    const putty = ['PuTTY-User-Key-File-3: ssh-ed25519', 'Encryption: none', 'Comment: eddsa-key', 'Public-Lines: 1', BODY[1]!, 'Private-Lines: 1', BODY[0]!, 'Private-MAC: 5e2f0a9b', 'key copied'];
    expect(feed(putty.map(out))).toEqual([...putty.slice(0, -1).map(() => '***'), 'key copied']);
    expect(hideCredentials(putty.join('\n'), '***')).toBe('***\nkey copied');
    expect(feed([out('-----BEGIN PRIVATE KEY-----'), err(BODY[0]!), err('warning: slow disk'), out('-----END PRIVATE KEY-----')])).toEqual(['***', '***', 'warning: slow disk', '***']);
  });

  it('shows a failure\'s last stderr line as the output showed it: a key\'s body line is ***', () => {
    expect(privateKeyMaskedLines(['-----BEGIN RSA PRIVATE KEY-----', BODY[0], BODY[1]].join('\n'), '***').at(-1)).toBe('***');
  });
});
