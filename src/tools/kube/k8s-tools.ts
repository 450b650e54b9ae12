import { z } from 'zod';
import { CommandFailedError } from '../errors.js';
import { ProcessOutputSchema } from '../process-runner.js';
import { defineTool } from '../tool.js';
import { kubeCommand, kubeCommandLine, runKube, runKubeJson, runKubeJsonIfFound } from './kube-process.js';
import { KubeTargetShape, scopeOfInput, type KubeScope } from './kube-scope.js';

// Kubernetes steps the planner can use without writing kubectl argv: apply (with
// server-side dry-run), diff, wait for a rollout, roll back to a recorded revision.

const ManifestsSchema = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .describe('Manifest files, folders or URLs, relative to the workspace; each is passed as -f.');
const WorkloadSchema = z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'a workload as kind/name, e.g. "deployment/web"');
const cwdShape = { cwd: z.string().min(1).optional().describe('Working directory, relative to the workspace (default: the workspace).') };

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);
const fileArgs = (manifests: unknown): string[] => list(manifests).flatMap((file) => ['-f', file]);
const scopeOf = (input: { context?: unknown; namespace?: unknown }): KubeScope => scopeOfInput(input);
const seconds = (ms: number): string => `${Math.max(1, Math.ceil(ms / 1000))}s`;

const ResourceRefSchema = z.strictObject({ kind: z.string(), name: z.string(), namespace: z.string().optional() });

export const K8sApplyInputSchema = z.strictObject({
  manifests: ManifestsSchema,
  ...KubeTargetShape,
  dryRun: z.enum(['none', 'server', 'client']).optional().describe('"server": the API server checks everything and persists nothing (--dry-run=server). Default "none".'),
  serverSide: z.boolean().optional().describe('Server-side apply (--server-side).'),
  record: WorkloadSchema.optional().describe('A workload (kind/name) whose current revision is read before applying, as output.previousRevision, for k8s_rollback.'),
  ...cwdShape,
});

export const k8sApplyTool = defineTool({
  name: 'k8s_apply',
  description:
    'Apply Kubernetes manifests (kubectl apply -f … -o json). Output: resources [{kind, name, namespace}] applied, json (the parsed answer) and, with record: "deployment/web", previousRevision (the revision before this apply; null when the workload did not exist; 0 when it existed without a recorded revision, e.g. a StatefulSet) for k8s_rollback. dryRun: "server" validates on the server without changing anything.',
  inputSchema: K8sApplyInputSchema,
  outputSchema: z.strictObject({
    resources: z.array(ResourceRefSchema),
    json: z.unknown(),
    dryRun: z.enum(['none', 'server', 'client']),
    previousRevision: z.int().nullable().optional(),
  }),
  risk: 'high',
  stepRisk: { levels: ['read', 'write'], by: 'dryRun ("server" or "client" only reads)' },
  kubeScope: (input) => scopeOf(input),
  command: (input) => kubeCommand('kubectl', scopeOf(input), applyArgs(input)),
  describe: (input) => {
    const line = kubeCommandLine('kubectl', scopeOf(input), applyArgs(input));
    return input.record ? `${line} (after reading the revision of ${input.record})` : line;
  },
  async execute(input, context) {
    const scope = scopeOf(input);
    const previousRevision = input.record ? await workloadRevision(input.record, scope, input.cwd, context) : undefined;
    const { json } = await runKubeJson({ program: 'kubectl', scope, args: applyArgs(input), cwd: input.cwd }, context);
    return { resources: resourcesOf(json), json, dryRun: input.dryRun ?? 'none', ...(input.record ? { previousRevision } : {}) };
  },
});

function applyArgs(input: { manifests?: unknown; dryRun?: string; serverSide?: boolean }): string[] {
  return [
    'apply',
    ...fileArgs(input.manifests),
    ...(input.dryRun && input.dryRun !== 'none' ? [`--dry-run=${input.dryRun}`] : []),
    ...(input.serverSide ? ['--server-side'] : []),
    '-o',
    'json',
  ];
}

/**
 * The deployment.kubernetes.io/revision of a workload; null when it does not
 * exist yet; 0 when it exists without one (a StatefulSet or DaemonSet keeps its
 * revisions elsewhere): k8s_rollback then goes back one revision, never deletes
 * what was there before.
 */
async function workloadRevision(workload: string, scope: KubeScope, cwd: string | undefined, context: Parameters<typeof runKube>[1]): Promise<number | null> {
  const found = await runKubeJsonIfFound({ program: 'kubectl', scope, args: ['get', workload, '-o', 'json'], cwd }, context);
  if (found === undefined) return null;
  const object = found as { metadata?: { annotations?: Record<string, string>; generation?: number } } | null;
  const revision = Number(object?.metadata?.annotations?.['deployment.kubernetes.io/revision']);
  return Number.isInteger(revision) && revision > 0 ? revision : 0;
}

function resourcesOf(json: unknown): z.infer<typeof ResourceRefSchema>[] {
  const document = json as { kind?: string; items?: unknown[] } | null;
  const objects = document && document.kind === 'List' && Array.isArray(document.items) ? document.items : [document];
  return objects.flatMap((object) => {
    const item = object as { kind?: string; metadata?: { name?: string; namespace?: string } } | null;
    if (!item?.kind || !item.metadata?.name) return [];
    return [{ kind: item.kind, name: item.metadata.name, ...(item.metadata.namespace ? { namespace: item.metadata.namespace } : {}) }];
  });
}

export const k8sDiffTool = defineTool({
  name: 'k8s_diff',
  description: 'Show what applying manifests would change (kubectl diff -f …), changing nothing. Output: changed (boolean) and diff (the unified diff). A difference does not fail the step.',
  inputSchema: z.strictObject({ manifests: ManifestsSchema, ...KubeTargetShape, serverSide: z.boolean().optional().describe('Diff as a server-side apply.'), ...cwdShape }),
  outputSchema: z.strictObject({ changed: z.boolean(), diff: z.string() }),
  risk: 'low',
  kubeScope: (input) => scopeOf(input),
  command: (input) => kubeCommand('kubectl', scopeOf(input), diffArgs(input)),
  describe: (input) => kubeCommandLine('kubectl', scopeOf(input), diffArgs(input)),
  async execute(input, context) {
    try {
      await runKube({ program: 'kubectl', scope: scopeOf(input), args: diffArgs(input), cwd: input.cwd }, context);
      return { changed: false, diff: '' };
    } catch (error) {
      // kubectl diff exits 1 when there are differences, > 1 when it failed.
      if (error instanceof CommandFailedError && error.exitCode === 1) return { changed: true, diff: error.stdout };
      throw error;
    }
  },
});

function diffArgs(input: { manifests?: unknown; serverSide?: boolean }): string[] {
  return ['diff', ...fileArgs(input.manifests), ...(input.serverSide ? ['--server-side'] : [])];
}

export const k8sRolloutStatusTool = defineTool({
  name: 'k8s_rollout_status',
  description: 'Wait until a workload\'s rollout is complete (kubectl rollout status --watch --timeout). Fails when it does not finish in timeoutMs (default 120000) or the rollout fails.',
  inputSchema: z.strictObject({
    resource: WorkloadSchema.describe('The workload as kind/name, e.g. "deployment/web".'),
    ...KubeTargetShape,
    timeoutMs: z.int().min(1000).optional().describe('How long to wait for the rollout (default 120000).'),
  }),
  outputSchema: ProcessOutputSchema,
  risk: 'low',
  kubeScope: (input) => scopeOf(input),
  command: (input) => kubeCommand('kubectl', scopeOf(input), rolloutArgs(input)),
  describe: (input) => kubeCommandLine('kubectl', scopeOf(input), rolloutArgs(input)),
  execute: (input, context) => runKube({ program: 'kubectl', scope: scopeOf(input), args: rolloutArgs(input) }, context),
});

function rolloutArgs(input: { resource?: unknown; timeoutMs?: unknown }): string[] {
  const timeout = typeof input.timeoutMs === 'number' ? input.timeoutMs : 120_000;
  return ['rollout', 'status', String(input.resource), '--watch', `--timeout=${seconds(timeout)}`];
}

export const k8sRollbackTool = defineTool({
  name: 'k8s_rollback',
  description:
    'Roll a workload back: kubectl rollout undo --to-revision=toRevision (use "{{ steps.<apply>.output.previousRevision }}" from the k8s_apply that deployed). toRevision null (the workload did not exist before) deletes it; no toRevision, or 0, goes back one revision.',
  inputSchema: z.strictObject({
    resource: WorkloadSchema.describe('The workload as kind/name, e.g. "deployment/web".'),
    toRevision: z.int().min(0).nullable().optional().describe('The revision to return to; 0 goes back one revision; null deletes the workload (it was new).'),
    ...KubeTargetShape,
  }),
  outputSchema: ProcessOutputSchema.extend({ action: z.enum(['undo', 'delete']) }),
  risk: 'high',
  stepRisk: { levels: ['write', 'destroy'], by: 'toRevision (null deletes the workload)' },
  kubeScope: (input) => scopeOf(input),
  command: (input) => kubeCommand('kubectl', scopeOf(input), rollbackArgs(input)),
  // A revision from a template is known only at run time: null there (the apply created the workload) deletes it.
  describe: (input) =>
    typeof input.toRevision === 'string'
      ? `${kubeCommandLine('kubectl', scopeOf(input), rollbackArgs(input))} (or, if the workload was new, ${kubeCommandLine('kubectl', scopeOf(input), rollbackArgs({ ...input, toRevision: null }))})`
      : kubeCommandLine('kubectl', scopeOf(input), rollbackArgs(input)),
  async execute(input, context) {
    const output = await runKube({ program: 'kubectl', scope: scopeOf(input), args: rollbackArgs(input) }, context);
    return { ...output, action: input.toRevision === null ? ('delete' as const) : ('undo' as const) };
  },
});

function rollbackArgs(input: { resource?: unknown; toRevision?: unknown }): string[] {
  const resource = String(input.resource);
  if (input.toRevision === null) return ['delete', resource, '--ignore-not-found'];
  if (input.toRevision === undefined || input.toRevision === 0) return ['rollout', 'undo', resource];
  return ['rollout', 'undo', resource, `--to-revision=${String(input.toRevision)}`];
}
