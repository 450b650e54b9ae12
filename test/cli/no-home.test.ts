import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

// A container run as an arbitrary uid, or `env -i`: no HOME, and no entry in the password file.
// Only root can switch to such a uid here, so these run where the suite runs as root (CI does).
const canSwitchUser = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;

const root = mkdtempSync(path.join(tmpdir(), 'ksa-no-home-'));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function asStranger(args: readonly string[], env: Record<string, string> = {}) {
  const variables = Object.entries({ PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, NO_COLOR: '1', ...env }).map(([key, value]) => `${key}=${value}`);
  return spawnSync('setpriv', ['--reuid=12345', '--regid=12345', '--clear-groups', 'env', '-i', ...variables, path.join(REPO_ROOT, 'bin', 'ksa'), ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
}

describe.skipIf(!canSwitchUser)('a user with no home folder', () => {
  writeFileSync(path.join(root, 'plan.yaml'), 'goal: Say hello\nsteps:\n  - id: hello\n    tool: shell\n    args: { command: "echo hello" }\n');
  const home = path.join(root, 'store');
  mkdirSync(home, { mode: 0o777 });
  chmodSync(home, 0o777);

  it('with KSA_HOME set, validates, checks and runs a plan as anyone else', () => {
    for (const args of [['validate', 'plan.yaml'], ['policy', 'check', 'plan.yaml'], ['run', 'plan.yaml', '--yes']]) {
      const result = asStranger(args, { KSA_HOME: home });
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      expect(result.stderr).not.toMatch(/unexpected error|uv_os_homedir/);
    }
  });

  it('without KSA_HOME, says in one line that there is no home folder and to set KSA_HOME (exit 2), and makes nothing here', () => {
    const result = asStranger(['runs']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('ksa: cannot tell where to keep runs and sessions: there is no home folder (HOME is not an absolute path, and this user has none in the password file); set KSA_HOME to a folder ksa can write\n');
    expect(readdirSync(root).sort()).toEqual(['plan.yaml', 'store']);
    expect(existsSync(path.join(root, '.local'))).toBe(false);
  });
});
