import { spawn } from 'node:child_process';
import { isZombie } from '../../src/tools/process-identity.js';

/**
 * A process that has exited and is not reaped (a zombie: its pid and start time still there), as a
 * ksa killed under a parent that does not wait for it leaves. `stop` kills the parent, which ends it.
 */
export async function startZombie(timeoutMs = 10_000): Promise<{ readonly pid: number; stop(): void }> {
  // The inner shell exits once its parent has become sleep, which never reaps it. Exiting at once, it could end
  // before the exec, and the shell would reap it then: no zombie to wait for.
  const inner = `while [ "$(cat /proc/$PPID/comm)" != sleep ]; do sleep 0.02; done`;
  const parent = spawn('sh', ['-c', `sh -c '${inner}' & echo $!; exec sleep 30`], { stdio: ['ignore', 'pipe', 'ignore'] });
  const stop = () => void parent.kill('SIGKILL');
  try {
    const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()))));
    // A busy machine may take a while to run the inner shell to its end: waited for, not guessed.
    const deadline = Date.now() + timeoutMs;
    while (!isZombie(pid)) {
      if (Date.now() > deadline) throw new Error(`process ${pid} did not become a zombie within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { pid, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
