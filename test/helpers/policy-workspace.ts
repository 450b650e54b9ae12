import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliSandbox } from './cli.js';

/** A shell step of a policy workspace's plan: its command alone, or with its `env`. */
export type ShellStep = string | { readonly command: string; readonly env?: Record<string, string> };

/**
 * A workspace of its own in `sandbox` (`<name>/ws`) with `policy` as its .ksa/policy.yaml and a plan of these shell
 * steps, by id, and a KSA_HOME of its own (`<name>/home`).
 */
export async function policyWorkspace(sandbox: CliSandbox, name: string, policy: string, steps: Record<string, ShellStep>): Promise<{ dir: string; home: string; plan: string }> {
  const lines = Object.entries(steps).map(([id, step]) => {
    const { command, env } = typeof step === 'string' ? { command: step, env: undefined } : step;
    return `  - id: ${id}\n    tool: shell\n    args: ${JSON.stringify({ command, ...(env ? { env } : {}) })}\n`;
  });
  const plan = await sandbox.writePlan(`${name}/ws/plan.yaml`, `goal: ${name}\nsteps:\n${lines.join('')}`);
  const dir = path.dirname(plan);
  const home = path.join(sandbox.dir, name, 'home');
  await mkdir(home, { recursive: true });
  await mkdir(path.join(dir, '.ksa'), { recursive: true });
  await writeFile(path.join(dir, '.ksa', 'policy.yaml'), policy);
  return { dir, home, plan };
}
