import { execFile } from 'node:child_process';

/**
 * One short look-up command (`kubectl config current-context`, `podman version`): its exit code and
 * stdout, or undefined when it cannot start. Plain execFile on purpose: loading execa for a probe
 * would delay the chat's first frame.
 */
export function quickCommand(
  command: string,
  args: readonly string[],
  { env, timeoutMs }: { readonly env: NodeJS.ProcessEnv; readonly timeoutMs: number },
): Promise<{ exitCode: number; stdout: string; stderr: string } | undefined> {
  return new Promise((resolve) => {
    const child = execFile(command, [...args], { env, timeout: timeoutMs }, (error, stdout, stderr) => {
      if (!error) return resolve({ exitCode: 0, stdout: String(stdout), stderr: String(stderr) });
      const code = (error as NodeJS.ErrnoException & { code?: unknown }).code;
      // A number is the command's own exit code; a string (ENOENT…) means it never ran.
      resolve(typeof code === 'number' ? { exitCode: code, stdout: String(stdout), stderr: String(stderr) } : undefined);
    });
    child.stdin?.end();
  });
}
