import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type EditResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string };

/** $VISUAL, then $EDITOR, then vi: what terminal users expect. */
export function preferredEditor(env: NodeJS.ProcessEnv): string {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi';
}

/**
 * Opens `text` in the user's editor and returns what they saved. The editor
 * gets the terminal to itself: the caller must stop reading keys first.
 * The command may carry arguments ("code --wait"); it runs through the shell.
 */
export function editText(text: string, options: { env: NodeJS.ProcessEnv; fileName?: string }): EditResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'ksa-edit-'));
  const file = path.join(dir, options.fileName ?? 'plan.yaml');
  try {
    writeFileSync(file, text, { mode: 0o600 });
    const editor = preferredEditor(options.env);
    const result = spawnSync(`${editor} "${file}"`, { stdio: 'inherit', shell: true, env: options.env });
    if (result.error) return { ok: false, message: `could not start the editor "${editor}": ${result.error.message} (set $VISUAL or $EDITOR)` };
    if (result.status !== 0) return { ok: false, message: `the editor "${editor}" exited with code ${result.status}; the plan is unchanged` };
    return { ok: true, text: readFileSync(file, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
