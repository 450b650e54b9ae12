import { CommandFailedError, ToolError } from '../errors.js';
import { runProcess, type ProcessOutput } from '../process-runner.js';
import type { ToolCommand } from '../../policy/index.js';
import type { ToolContext } from '../tool.js';
import { quoteArg } from '../quote-arg.js';
import { boundText } from '../output-capture.js';
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

/**
 * How much `-o json` is read to be parsed. A list of every pod, or a Helm release with its rendered
 * manifest, is often over the 1 MiB an output keeps: cut, it is no JSON at all.
 */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;

/**
 * Runs kubectl/helm once (argv, no shell); its output streams to the step. A non-zero exit throws CommandFailedError.
 * `maxCaptureBytes`: how much of each stream is kept (default: the 1 MiB of any output).
 */
export function runKube(run: KubeRun, context: ToolContext, maxCaptureBytes?: number): Promise<ProcessOutput> {
  return runProcess({
    command: run.program,
    args: kubeArgv(run.program, run.scope, run.args),
    label: run.program,
    cwd: run.cwd,
    workspace: context.workspace,
    signal: context.signal,
    onOutput: context.onOutput,
    ...(maxCaptureBytes !== undefined ? { maxCaptureBytes } : {}),
  });
}

/** runKube of a call that prints `-o json`: the document parsed, and the output with its stdout kept to 1 MiB as usual. */
export async function runKubeJson(run: KubeRun, context: ToolContext): Promise<{ readonly output: ProcessOutput; readonly json: unknown }> {
  // Kept whole up to MAX_JSON_BYTES to be parsed, then cut to 1 MiB for the step's output.
  const output = await runKube(run, context, MAX_JSON_BYTES);
  return { output: boundOutput(output), json: parseJsonOutput(run.program, output) };
}

function boundOutput(output: ProcessOutput): ProcessOutput {
  const stdout = boundText(output.stdout);
  const stderr = boundText(output.stderr);
  const truncated = output.truncated || stdout.truncated || stderr.truncated;
  const { truncated: _, ...rest } = output;
  return { ...rest, stdout: stdout.text, stderr: stderr.text, ...(truncated ? { truncated: true as const } : {}) };
}

/** runKubeJson, but "not found" answers undefined instead of failing (a first install, a missing object). */
export async function runKubeJsonIfFound(run: KubeRun, context: ToolContext): Promise<unknown> {
  try {
    return (await runKubeJson(run, context)).json;
  } catch (error) {
    if (error instanceof CommandFailedError && /not ?found/i.test(error.stderr)) return undefined;
    throw error;
  }
}

/** JSON printed by kubectl/helm `-o json`; a clear error when it is not JSON, or more than ksa reads. */
function parseJsonOutput(program: KubeProgram, output: ProcessOutput): unknown {
  // A cut stdout holds its head and tail, more than MAX_JSON_BYTES with the cut's marker.
  if (output.truncated && Buffer.byteLength(output.stdout) > MAX_JSON_BYTES) {
    throw new ToolError({ message: `${program} printed more than ${MAX_JSON_BYTES / 1024 / 1024} MiB of JSON, more than ksa reads; ask for less (a namespace, a label selector, or -o jsonpath)` });
  }
  try {
    return JSON.parse(output.stdout);
  } catch {
    const first = output.stdout.trim().split('\n')[0] ?? '';
    throw new ToolError({ message: `${program} was asked for -o json but printed something else: ${first.slice(0, 200) || '(nothing)'}` });
  }
}
