import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A private key file as ssh-keygen writes it: its whole text, and the lines of its body (between header and footer). */
export type SshKey = { readonly text: string; readonly header: string; readonly body: readonly string[]; readonly footer: string };

/** The formats a key is written in: PEM (PKCS#1 RSA), PKCS#8 (RSA) and OpenSSH's own (ed25519). */
export type SshKeyFormat = 'pem' | 'pkcs8' | 'openssh';

const KEYGEN_ARGS: Record<SshKeyFormat, readonly string[]> = {
  pem: ['-t', 'rsa', '-b', '2048', '-m', 'PEM'],
  pkcs8: ['-t', 'rsa', '-b', '2048', '-m', 'PKCS8'],
  openssh: ['-t', 'ed25519'],
};

/** Real keys made by ssh-keygen in a temp dir (removed again), one of each format. */
export function sshKeys(): Record<SshKeyFormat, SshKey> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ksa-ssh-keys-'));
  try {
    const make = (format: SshKeyFormat): SshKey => {
      const file = path.join(dir, format);
      execFileSync('ssh-keygen', ['-q', ...KEYGEN_ARGS[format], '-N', '', '-C', 'deploy@ci', '-f', file], { stdio: 'ignore' });
      const text = readFileSync(file, 'utf8');
      const lines = text.trimEnd().split('\n');
      return { text, header: lines[0]!, body: lines.slice(1, -1), footer: lines.at(-1)! };
    };
    return { pem: make('pem'), pkcs8: make('pkcs8'), openssh: make('openssh') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
