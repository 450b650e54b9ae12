import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliSandbox } from '../helpers/cli-sandbox.js';
import { runKsa } from '../helpers/cli.js';
import { sshKeys } from '../helpers/ssh-keys.js';

// The plan shown for approval hides a private key written into a step whole, header to footer, as the run record
// stores it: a key written into a multi-line command or a file's content is on many lines of the card.

const sandbox = useCliSandbox('ksa-private-key-card-');
const KEYS = sshKeys();

/** The card `ksa run` prints on stderr when there is no terminal to approve it on. */
async function card(name: string, plan: string): Promise<string> {
  const file = await sandbox.writePlan(`${name}.yaml`, plan);
  const result = await runKsa(['run', file], { home: path.join(sandbox.home, name), cwd: sandbox.dir });
  expect(result.stderr).toContain('not approved');
  return result.stderr;
}

/** A YAML block scalar of `text`, indented by `indent` spaces. */
function block(text: string, indent: number): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `${' '.repeat(indent)}${line}`)
    .join('\n');
}

describe('a private key written into a plan, on the card shown for approval', () => {
  it('is one *** in a multi-line shell command writing it with a here-document', async () => {
    for (const [format, key] of Object.entries(KEYS)) {
      const command = `cat > id_${format} <<'EOF'\n${key.text}EOF\nchmod 600 id_${format}\n`;
      const shown = await card(`heredoc-${format}`, `goal: Install a key\nsteps:\n  - id: key\n    tool: shell\n    args:\n      command: |\n${block(command, 8)}\n`);
      for (const line of key.body) expect(shown, format).not.toContain(line);
      expect(shown, format).toContain(`    shell: cat > id_${format} <<'EOF'\n      ***\n      EOF\n      chmod 600 id_${format}\n`);
    }
  });

  it('is one *** in the preview of a file a write_file step writes and a later step runs', async () => {
    const key = KEYS.pkcs8;
    const content = `#!/bin/sh\ncat > id_rsa <<'EOF'\n${key.text}EOF\n`;
    const plan = `goal: Install a key\nsteps:\n  - id: script\n    tool: write_file\n    args:\n      path: setup.sh\n      content: |\n${block(content, 8)}\n  - id: run\n    tool: shell\n    args: { command: sh setup.sh }\n    dependsOn: [script]\n`;
    const shown = await card('write-file', plan);
    for (const line of key.body) expect(shown).not.toContain(line);
    expect(shown).toContain("      | #!/bin/sh\n      | cat > id_rsa <<'EOF'\n      | ***\n      | EOF\n");
  });
});
