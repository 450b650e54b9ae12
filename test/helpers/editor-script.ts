import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'vitest';

/** An editor script ($EDITOR): `$1` is the plan file, `body` edits it. Every version it is given is saved as seen-N.yaml next to it. */
export async function editorScript(context: TestContext, name: string, body: string): Promise<{ path: string; dir: string; seen: () => string[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ksa-editor-'));
  context.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\nn=$(ls "${dir}" | grep -c '^seen-')\ncp "$1" "${dir}/seen-$n.yaml"\n${body}\n`);
  await chmod(file, 0o755);
  const seen = () =>
    readdirSync(dir)
      .filter((entry) => entry.startsWith('seen-'))
      .sort()
      .map((entry) => readFileSync(path.join(dir, entry), 'utf8'));
  return { path: file, dir, seen };
}
