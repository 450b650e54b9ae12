import { CommandFailedError, ToolError } from '../errors.js';
import { runProcess, type ProcessOutput } from '../process-runner.js';
import type { ToolCommand } from '../../policy/index.js';
import type { ToolContext } from '../tool.js';
import { quoteArg } from '../quote-arg.js';
import { kubeFlags, type KubeProgram, type KubeScope } from './kube-scope.js';

/**
 * The argv of one kubectl/helm call: the call's own arguments, then the target
 * flags (before a `--`, whose rest belongs to another program). The subcommand
 * stays first, so the command line reads (and policy globs match) as usual: `get pods --context kind-dev -n shop`.
 */
export function kubeArgv(program: KubeProgram, scope: KubeScope, args: readonly string[]): string[] {
  const flags = kubeFlags(program, scope);
  const dash = args.indexOf('--');
  return dash === -1 ? [...args, ...flags] : [...args.slice(0, dash), ...flags, ...args.slice(dash)];
}

/** The call as risk and policy judge it: the same argv `kubeCommandLine` shows. */
export function kubeCommand(program: KubeProgram, scope: KubeScope, args: readonly unknown[]): ToolCommand {
  return { program, args: kubeArgv(program, scope, args.map(String)) };
}

/** How approval and progress show a call: the exact command line. */
export function kubeCommandLine(program: KubeProgram, scope: KubeScope, args: readonly unknown[]): string {
  const command = kubeCommand(program, scope, args);
  return [command.program, ...command.args].map(quoteArg).join(' ');
}

export type KubeRun = { readonly program: KubeProgram; readonly scope: KubeScope; readonly args: readonly string[]; readonly cwd?: string };

/** Runs kubectl/helm once (argv, no shell); its output streams to the step. A non-zero exit throws CommandFailedError. */
export function runKube(run: KubeRun, context: ToolContext): Promise<ProcessOutput> {
  return runProcess({
    command: run.program,
    args: kubeArgv(run.program, run.scope, run.args),
    label: run.program,
    cwd: run.cwd,
    workspace: context.workspace,
    signal: context.signal,
    onOutput: context.onOutput,
  });
}

/** Like runKube, but "not found" answers undefined instead of failing (a first install, a missing object). */
export async function runKubeIfFound(run: KubeRun, context: ToolContext): Promise<ProcessOutput | undefined> {
  try {
    return await runKube(run, context);
  } catch (error) {
    if (error instanceof CommandFailedError && /not ?found/i.test(error.stderr)) return undefined;
    throw error;
  }
}

/** JSON printed by kubectl/helm `-o json`; a clear error when it is not JSON. */
export function parseJsonOutput(program: KubeProgram, stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    const first = stdout.trim().split('\n')[0] ?? '';
    throw new ToolError({ message: `${program} was asked for -o json but printed something else: ${first.slice(0, 200) || '(nothing)'}` });
  }
}
