import { z } from 'zod';
import { ProcessOutputSchema } from '../process-runner.js';
import { defineTool, type Tool } from '../tool.js';
import { kubeCommand, kubeCommandLine, runKube, runKubeJson } from './kube-process.js';
import { KubeTargetShape, scopeOfInput, wantsJson, type KubeProgram } from './kube-scope.js';

export const KubeArgvInputSchema = z
  .strictObject({
    args: z.array(z.string()).describe('Arguments, one per element, passed without a shell: ["get", "pods"].'),
    ...KubeTargetShape,
    cwd: z.string().min(1).optional().describe('Working directory, relative to the workspace (default: the workspace).'),
  })
  .describe('Runs the program with these arguments against the named context and namespace; a non-zero exit code fails the step.');

export type KubeArgvInput = z.infer<typeof KubeArgvInputSchema>;

export const KubeArgvOutputSchema = ProcessOutputSchema.extend({
  json: z.unknown().optional().describe('stdout parsed, when the arguments ask for -o json.'),
});

export type KubeArgvOutput = z.infer<typeof KubeArgvOutputSchema>;

function createKubeArgvTool(program: KubeProgram, description: string): Tool<KubeArgvInput, KubeArgvOutput> {
  return defineTool({
    name: program,
    description,
    inputSchema: KubeArgvInputSchema,
    outputSchema: KubeArgvOutputSchema,
    risk: 'high',
    stepRisk: { levels: ['read', 'write', 'destroy'], by: 'the subcommand and flags' },
    kubeScope: (input) => scopeOfInput(input),
    command: (input) => kubeCommand(program, { context: input.context, namespace: input.namespace }, Array.isArray(input.args) ? input.args : [input.args]),
    describe: (input) => {
      const args = Array.isArray(input.args) ? input.args : [input.args];
      const { context, namespace } = input;
      const line = kubeCommandLine(program, { context, namespace }, args);
      return input.cwd ? `${line} (in ${input.cwd})` : line;
    },
    async execute(input, context) {
      const run = { program, scope: { context: input.context, namespace: input.namespace }, args: input.args, cwd: input.cwd };
      if (!wantsJson(input.args)) return runKube(run, context);
      const { output, json } = await runKubeJson(run, context);
      return { ...output, json };
    },
  });
}

export const kubectlTool = createKubeArgvTool(
  'kubectl',
  'Run kubectl with an argument array (never through a shell), e.g. ["get", "pods", "-o", "json"] (with -o json the parsed document is output.json). Name the cluster with context (and namespace). A non-zero exit fails the step. For apply/rollout/rollback/port-forward prefer the k8s_* tools.',
);

export const helmTool = createKubeArgvTool(
  'helm',
  'Run helm with an argument array (never through a shell), e.g. ["list", "-o", "json"] (with -o json the parsed document is output.json). Name the cluster with context (and namespace). A non-zero exit fails the step. For installs and rollbacks prefer helm_upgrade and helm_rollback.',
);
