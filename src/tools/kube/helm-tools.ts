import { z } from 'zod';
import { ProcessOutputSchema } from '../process-runner.js';
import { defineTool } from '../tool.js';
import { kubeCommand, kubeCommandLine, runKube, runKubeJson, runKubeJsonIfFound } from './kube-process.js';
import { KubeTargetShape, scopeOfInput, type KubeScope } from './kube-scope.js';

// Helm releases without hand-written argv: upgrade --install that records the
// revision it replaced, and a rollback to that revision.

const ReleaseSchema = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a release name: lower-case letters, digits and "-"').max(53);
const seconds = (ms: number): string => `${Math.max(1, Math.ceil(ms / 1000))}s`;
const scopeOf = (input: { context?: unknown; namespace?: unknown }): KubeScope => scopeOfInput(input);

export const HelmUpgradeInputSchema = z.strictObject({
  release: ReleaseSchema.describe('The release name.'),
  chart: z.string().min(1).describe('A chart folder (relative to the workspace), a packaged chart, or repo/chart.'),
  ...KubeTargetShape,
  values: z.array(z.string().min(1)).optional().describe('Values files, each passed as -f.'),
  set: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .describe('Values set on the command line: a string as --set-string key=value (it stays that string: "1.10", "true", "a,b"), a number or true/false as --set key=value; e.g. { "image.tag": "v2", "replicaCount": 3 }.'),
  version: z.string().min(1).optional().describe('Chart version (--version).'),
  wait: z.boolean().optional().describe('Wait until the release\'s resources are ready (--wait; default true).'),
  timeoutMs: z.int().min(1000).optional().describe('How long helm waits (--timeout; default 300000).'),
  atomic: z.boolean().optional().describe('Let helm roll back by itself when the upgrade fails (--atomic).'),
  createNamespace: z.boolean().optional().describe('Create the namespace when missing (--create-namespace).'),
  cwd: z.string().min(1).optional().describe('Working directory, relative to the workspace.'),
});

type HelmUpgradeInput = z.infer<typeof HelmUpgradeInputSchema>;

export const helmUpgradeTool = defineTool({
  name: 'helm_upgrade',
  description:
    'Install or upgrade a Helm release (helm upgrade --install … --wait -o json). Output: release, revision (the new one), previousRevision (the one it replaced; null for a first install) for helm_rollback, status, namespace, json.',
  inputSchema: HelmUpgradeInputSchema,
  outputSchema: z.strictObject({
    release: z.string(),
    revision: z.int().nullable(),
    previousRevision: z.int().nullable(),
    status: z.string().nullable(),
    namespace: z.string().nullable(),
    json: z.unknown(),
  }),
  risk: 'high',
  kubeScope: (input) => scopeOf(input),
  command: (input) => kubeCommand('helm', scopeOf(input), upgradeArgs(input)),
  describe: (input) => `${kubeCommandLine('helm', scopeOf(input), upgradeArgs(input))} (after reading the current revision)`,
  async execute(input, context) {
    const scope = scopeOf(input);
    const current = await runKubeJsonIfFound({ program: 'helm', scope, args: ['status', input.release, '-o', 'json'], cwd: input.cwd }, context);
    const previousRevision = current !== undefined ? releaseOf(current).revision : null;
    const { json } = await runKubeJson({ program: 'helm', scope, args: upgradeArgs(input), cwd: input.cwd }, context);
    const release = releaseOf(json);
    return { release: input.release, revision: release.revision, previousRevision, status: release.status, namespace: release.namespace, json };
  },
});

function upgradeArgs(input: Partial<HelmUpgradeInput>): string[] {
  const set = Object.entries(input.set ?? {}).flatMap(([key, value]) => (typeof value === 'string' ? ['--set-string', `${key}=${setStringValue(value)}`] : ['--set', `${key}=${String(value)}`]));
  return [
    'upgrade',
    '--install',
    String(input.release),
    String(input.chart),
    ...(input.values ?? []).flatMap((file) => ['-f', file]),
    ...set,
    ...(input.version ? ['--version', input.version] : []),
    ...(input.wait === false ? [] : ['--wait']),
    '--timeout',
    seconds(typeof input.timeoutMs === 'number' ? input.timeoutMs : 300_000),
    ...(input.atomic ? ['--atomic'] : []),
    ...(input.createNamespace ? ['--create-namespace'] : []),
    '-o',
    'json',
  ];
}

/**
 * A string as helm's --set-string parser gives it back: a `,` would start another key and a
 * leading `{` a list, so they (and `\`) are escaped with a backslash. A `{{ … }}` not yet filled
 * in (a plan shown before its run) is left as written.
 */
function setStringValue(value: string): string {
  const escaped = value.replace(/[\\,]/g, '\\$&');
  return /^\{(?!\{)/.test(escaped) ? `\\${escaped}` : escaped;
}

function releaseOf(json: unknown): { revision: number | null; status: string | null; namespace: string | null } {
  const release = json as { version?: unknown; namespace?: unknown; info?: { status?: unknown } } | null;
  return {
    revision: typeof release?.version === 'number' ? release.version : null,
    status: typeof release?.info?.status === 'string' ? release.info.status : null,
    namespace: typeof release?.namespace === 'string' ? release.namespace : null,
  };
}

export const helmRollbackTool = defineTool({
  name: 'helm_rollback',
  description:
    'Roll a Helm release back to a revision (helm rollback <release> <revision> --wait); use "{{ steps.<upgrade>.output.previousRevision }}" from the helm_upgrade that deployed. revision null (it was a first install) uninstalls the release; no revision goes back one.',
  inputSchema: z.strictObject({
    release: ReleaseSchema.describe('The release name.'),
    revision: z.int().min(1).nullable().optional().describe('The revision to return to; null uninstalls (the release was new).'),
    ...KubeTargetShape,
    wait: z.boolean().optional().describe('Wait until the resources are ready again (default true).'),
    timeoutMs: z.int().min(1000).optional().describe('How long helm waits (default 300000).'),
  }),
  outputSchema: ProcessOutputSchema.extend({ action: z.enum(['rollback', 'uninstall']) }),
  risk: 'high',
  stepRisk: { levels: ['write', 'destroy'], by: 'revision (null uninstalls the release)' },
  kubeScope: (input) => scopeOf(input),
  command: (input) => kubeCommand('helm', scopeOf(input), rollbackArgs(input)),
  // A revision from a template is known only at run time: null there (a first install) uninstalls the release.
  describe: (input) =>
    typeof input.revision === 'string'
      ? `${kubeCommandLine('helm', scopeOf(input), rollbackArgs(input))} (or, if the release was new, ${kubeCommandLine('helm', scopeOf(input), rollbackArgs({ ...input, revision: null }))})`
      : kubeCommandLine('helm', scopeOf(input), rollbackArgs(input)),
  async execute(input, context) {
    const output = await runKube({ program: 'helm', scope: scopeOf(input), args: rollbackArgs(input) }, context);
    return { ...output, action: input.revision === null ? ('uninstall' as const) : ('rollback' as const) };
  },
});

function rollbackArgs(input: { release?: unknown; revision?: unknown; wait?: unknown; timeoutMs?: unknown }): string[] {
  const timeout = ['--timeout', seconds(typeof input.timeoutMs === 'number' ? input.timeoutMs : 300_000)];
  const wait = input.wait === false ? [] : ['--wait'];
  if (input.revision === null) return ['uninstall', String(input.release), ...wait, ...timeout];
  return ['rollback', String(input.release), ...(input.revision === undefined ? [] : [String(input.revision)]), ...wait, ...timeout];
}
