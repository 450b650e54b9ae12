import { z } from 'zod';
import { CommandNotFoundError, ToolError } from '../errors.js';
import { HTTP_METHODS, HttpOutputSchema, httpTool } from '../http.js';
import { LineSplitter } from '../output-capture.js';
import { resolveCwd } from '../process-runner.js';
import { DEFAULT_KILL_GRACE_MS, stopProcessGroup, trackProcessGroup } from '../process-groups.js';
import { defineTool, type ToolContext } from '../tool.js';
import { kubeArgv, kubeCommand, kubeCommandLine } from './kube-process.js';
import { KubeTargetShape, scopeOfInput } from './kube-scope.js';

const DEFAULT_READY_TIMEOUT_MS = 20_000;
const FORWARDING = /Forwarding from 127\.0\.0\.1:(\d+)/;

const PortSchema = z.int().min(1).max(65535);

export const K8sPortForwardInputSchema = z.strictObject({
  resource: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'a target as kind/name, e.g. "svc/web"').describe('What to forward to, as kind/name: "svc/web", "deployment/web", "pod/web-0".'),
  remotePort: PortSchema.describe('The port on the pod or service.'),
  localPort: PortSchema.optional().describe('The local port on 127.0.0.1 (default: a free one, chosen by kubectl).'),
  path: z.string().startsWith('/').optional().describe('The path requested through the forward (default "/").'),
  method: z.enum(HTTP_METHODS).optional().describe('HTTP method (default GET).'),
  expectStatus: z.union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)]).optional().describe('Status code(s) that count as success (default: any 2xx). Redirects are followed unless a 3xx is named here.'),
  ...KubeTargetShape,
  readyTimeoutMs: z.int().min(100).optional().describe(`How long to wait for the forward to be ready (default ${DEFAULT_READY_TIMEOUT_MS}).`),
});

export type K8sPortForwardInput = z.infer<typeof K8sPortForwardInputSchema>;

export const k8sPortForwardTool = defineTool({
  name: 'k8s_port_forward',
  description:
    'Health-check a service from outside the cluster: forwards a local port (kubectl port-forward <resource> <local>:<remotePort>) for the duration of this step only, sends one HTTP request through it to path, and stops the forward. Output: localPort, status, headers, body (parsed when JSON). Give it a retry like any health check.',
  inputSchema: K8sPortForwardInputSchema,
  outputSchema: HttpOutputSchema.extend({ localPort: PortSchema }),
  risk: 'medium',
  stepRisk: { levels: ['write', 'destroy'], by: 'the method (DELETE is destroy)' },
  kubeScope: (input) => scopeOfInput(input),
  command: (input) => kubeCommand('kubectl', scopeOfInput(input), forwardArgs(input)),
  describe: (input) => `${kubeCommandLine('kubectl', scopeOfInput(input), forwardArgs(input))}, then ${input.method ?? 'GET'} ${input.path ?? '/'}`,
  async execute(input, context) {
    const forward = await startForward(input, context);
    try {
      const url = `http://127.0.0.1:${forward.localPort}${input.path ?? '/'}`;
      const response = await httpTool.execute({ url, method: input.method, expectStatus: input.expectStatus }, context);
      return { ...response, localPort: forward.localPort };
    } finally {
      await forward.stop();
    }
  },
});

function forwardArgs(input: { resource?: unknown; remotePort?: unknown; localPort?: unknown }): string[] {
  return ['port-forward', String(input.resource), `${input.localPort === undefined ? '' : String(input.localPort)}:${String(input.remotePort)}`, '--address', '127.0.0.1'];
}

type Forward = { readonly localPort: number; stop(): Promise<void> };

/** Starts kubectl port-forward and waits for its "Forwarding from 127.0.0.1:<port>" line. */
async function startForward(input: K8sPortForwardInput, context: ToolContext): Promise<Forward> {
  const { signal } = context;
  signal.throwIfAborted();
  const cwd = await resolveCwd(context.workspace, undefined);
  const scope = scopeOfInput(input);
  // Loaded with the first forward: execa is not needed to start ksa.
  const { execa } = await import('execa');
  const subprocess = execa('kubectl', kubeArgv('kubectl', scope, forwardArgs(input)), { cwd, stdin: 'ignore', buffer: false, detached: true, reject: false, cleanup: false });
  const { pid } = subprocess;
  const untrack = pid === undefined ? () => {} : trackProcessGroup(pid);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (pid !== undefined) await stopProcessGroup(pid, DEFAULT_KILL_GRACE_MS);
      untrack();
      await subprocess.catch(() => undefined);
    })());

  const stderrLines: string[] = [];
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ToolError({ message: `kubectl port-forward ${input.resource}: not ready after ${input.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS} ms${lastLine(stderrLines)}` })), input.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const stdout = new LineSplitter((line) => {
      context.onOutput(line, 'stdout');
      const match = FORWARDING.exec(line);
      if (match) {
        done();
        resolve(Number(match[1]));
      }
    });
    const stderr = new LineSplitter((line) => {
      stderrLines.push(line);
      context.onOutput(line, 'stderr');
    });
    subprocess.stdout?.on('data', (chunk: Uint8Array | string) => stdout.write(chunk));
    subprocess.stderr?.on('data', (chunk: Uint8Array | string) => stderr.write(chunk));
    void subprocess.then((result) => {
      done();
      if (pid === undefined && result.code === 'ENOENT') reject(new CommandNotFoundError({ binary: 'kubectl', cause: result }));
      else reject(new ToolError({ message: `kubectl port-forward ${input.resource} exited (code ${result.exitCode ?? result.signal}) before forwarding${lastLine(stderrLines)}` }));
    });
  });
  try {
    return { localPort: await ready, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function lastLine(lines: readonly string[]): string {
  const line = lines.filter((text) => text.trim()).at(-1);
  return line ? `: ${line.trim()}` : '';
}
