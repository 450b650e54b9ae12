import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
 * It is waited for, not run synchronously: a plan running in the chat goes on
 * (its output read, its timeouts and the next steps on time) while the editor is open.
 */
export async function editText(text: string, options: { env: NodeJS.ProcessEnv; fileName?: string }): Promise<EditResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ksa-edit-'));
  const file = path.join(dir, options.fileName ?? 'plan.yaml');
  try {
    await writeFile(file, text, { mode: 0o600 });
    const editor = preferredEditor(options.env);
    const result = await new Promise<{ readonly error?: Error; readonly status: number | null }>((resolve) => {
      const child = spawn(`${editor} "${file}"`, { stdio: 'inherit', shell: true, env: options.env });
      child.once('error', (error) => resolve({ error, status: null }));
      child.once('exit', (status) => resolve({ status }));
    });
    if (result.error) return { ok: false, message: `could not start the editor "${editor}": ${result.error.message} (set $VISUAL or $EDITOR)` };
    if (result.status !== 0) return { ok: false, message: `the editor "${editor}" exited with code ${result.status}; the plan is unchanged` };
    return { ok: true, text: await readFile(file, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
