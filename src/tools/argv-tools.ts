import { z } from 'zod';
import { defineTool, type Tool } from './tool.js';
import { prepareContainerRun } from './container-run.js';
import { ProcessOutputSchema, resolveCwd, runProcess, type ProcessOutput } from './process-runner.js';
import { quoteArg } from './quote-arg.js';

export { quoteArg } from './quote-arg.js';
export { kubectlTool, helmTool } from './kube/kube-argv-tools.js';

export const ArgvInputSchema = z
  .strictObject({
    args: z.array(z.string()).describe('Arguments, one per element, passed without a shell: ["build", "-t", "shop:dev", "."].'),
    cwd: z.string().min(1).optional().describe('Working directory, relative to the workspace (default: the workspace).'),
  })
  .describe('Runs the program with these arguments; a non-zero exit code fails the step.');

export type ArgvInput = z.infer<typeof ArgvInputSchema>;

export type ArgvToolOptions = {
  readonly name: string;
  /** The program looked up on PATH; default: the tool's name. */
  readonly binary?: string;
  readonly description?: string;
  /** A container engine: a `run` that is stopped (timeout, cancel), or fails with its container not running, has its container removed. */
  readonly containerEngine?: boolean;
};

/** A tool that runs one program with an argv array: no shell, so no quoting or injection surprises. */
export function createArgvTool({ name, binary = name, description, containerEngine = false }: ArgvToolOptions): Tool<ArgvInput, ProcessOutput> {
  return defineTool({
    name,
    description:
      description ??
      `Run \`${binary}\` with an argument array (never through a shell). Output is streamed and returned (stdout, stderr, exitCode); a non-zero exit fails the step.`,
    inputSchema: ArgvInputSchema,
    outputSchema: ProcessOutputSchema,
    risk: 'high',
    stepRisk: { levels: ['read', 'write', 'destroy'], by: 'the subcommand and flags' },
    describe: (input) => {
      const args = Array.isArray(input.args) ? input.args.map(String) : [String(input.args)];
      const line = [binary, ...args].map(quoteArg).join(' ');
      return input.cwd ? `${line} (in ${input.cwd})` : line;
    },
    execute: async (input, context) => {
      const run = (args: readonly string[]) =>
        runProcess({
          command: binary,
          args,
          label: binary,
          cwd: input.cwd,
          workspace: context.workspace,
          signal: context.signal,
          onOutput: context.onOutput,
        });
      if (!containerEngine) return run(input.args);
      const containerRun = await prepareContainerRun(binary, input.args, await resolveCwd(context.workspace, input.cwd));
      if (!containerRun) return run(input.args);
      // Recorded with the run while the client runs: should ksa die, resume and cancel remove it.
      const untrack = containerRun.track();
      try {
        return await run(containerRun.args);
      } catch (error) {
        // Stopped: its container goes, whatever it is doing. Failed: one that is not running only holds its name against the retry.
        await (context.signal.aborted ? containerRun.removeContainer() : containerRun.removeUnlessRunning());
        throw error;
      } finally {
        untrack();
        await containerRun.dispose();
      }
    },
  });
}

export const dockerTool = createArgvTool({
  name: 'docker',
  description:
    'Run docker with an argument array (never through a shell), e.g. ["build", "-t", "shop:dev", "."]. A non-zero exit fails the step. A `run` stopped by its timeout or a cancel, or failed with its container not running, has its container removed.',
  containerEngine: true,
});

export const podmanTool = createArgvTool({
  name: 'podman',
  description:
    'Run podman with an argument array (never through a shell), e.g. ["build", "-t", "shop:dev", "."] or ["run", "-d", "--name", "web", "-p", "8080:8080", "shop:dev"]. Same arguments as docker. A non-zero exit fails the step. A `run` stopped by its timeout or a cancel, or failed with its container not running, has its container removed.',
  containerEngine: true,
});
