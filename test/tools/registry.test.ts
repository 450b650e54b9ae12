import { describe, expect, it } from 'vitest';
import type { ToolCall } from '../../src/planning/index.js';
import { validatePlan } from '../../src/planning/index.js';
import {
  ToolInputError,
  ToolRegistry,
  UnknownToolError,
  createBuiltinRegistry,
  MAX_SLEEP_MS,
  sleepTool,
  toolsAsJson,
} from '../../src/tools/index.js';

const ws = process.cwd();

function call(tool: string, args: Record<string, unknown>, signal = new AbortController().signal): ToolCall {
  return { tool, args, stepId: 's', attempt: 1, phase: 'run', signal, onOutput: () => {} };
}

describe('ToolRegistry', () => {
  const registry = createBuiltinRegistry();

  it('holds the built-in tools of the contract', () => {
    expect(registry.names()).toEqual(['shell', 'http', 'read_file', 'write_file', 'sleep', 'kubectl', 'helm', 'docker', 'podman', 'k8s_apply', 'k8s_diff', 'k8s_rollout_status', 'k8s_rollback', 'k8s_port_forward', 'helm_upgrade', 'helm_rollback']);
    expect(registry.get('shell')?.risk).toBe('high');
    expect(registry.list()).toHaveLength(16);
  });

  it('refuses two tools with one name', () => {
    expect(() => new ToolRegistry([sleepTool, sleepTool])).toThrow('a tool named "sleep" is already registered');
  });

  it('invokes a tool with parsed arguments', async () => {
    const output = await registry.invoke(call('shell', { command: 'echo "$X"', env: { X: 'ok' } }), { workspace: ws });
    expect(output).toMatchObject({ stdout: 'ok', exitCode: 0 });
  });

  it('names the unknown tool, a near miss and the available ones', async () => {
    const error = await registry.invoke(call('shel', {}), { workspace: ws }).catch((e: unknown) => e);
    expect(UnknownToolError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'unknown tool "shel" (did you mean "shell"?); available: docker, helm, helm_rollback, helm_upgrade, http, k8s_apply, k8s_diff, k8s_port_forward, k8s_rollback, k8s_rollout_status, kubectl, podman, read_file, shell, sleep, write_file',
    );
  });

  it('turns a run-time type error into one line with the argument path', async () => {
    const error = await registry.invoke(call('sleep', { ms: 'abc' }), { workspace: ws }).catch((e: unknown) => e);
    expect(ToolInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('args.ms: expected number, got string "abc" (tool "sleep")');
  });

  it('a run-time value outside an argument\'s values names them and the value given', async () => {
    await expect(registry.invoke(call('k8s_apply', { manifests: 'k8s/', dryRun: 'all' }), { workspace: ws })).rejects.toThrow(
      'args.dryRun: expected one of "none", "server", "client", got string "all" (tool "k8s_apply")',
    );
  });

  it('reports misspelled, missing and nested arguments', async () => {
    await expect(registry.invoke(call('shell', { comand: 'ls' }), { workspace: ws })).rejects.toThrow(
      'args.command: is required (string); args.comand: unknown argument (did you mean "command"?) (tool "shell")',
    );
    await expect(registry.invoke(call('kubectl', { args: ['get', null] }), { workspace: ws })).rejects.toThrow(
      'args.args[1]: expected string, got null (tool "kubectl")',
    );
    await expect(registry.invoke(call('http', { url: 'http://x', expectStatus: 'abc' }), { workspace: ws })).rejects.toThrow(
      'args.expectStatus: expected number or array, got string "abc" (tool "http")',
    );
    await expect(registry.invoke(call('http', { url: 'http://x', expectStatus: 700 }), { workspace: ws })).rejects.toThrow(
      /^args\.expectStatus: Too big: expected number to be <=599/,
    );
    await expect(registry.invoke(call('http', { url: 'http://x', expectStatus: [200, 'x'] }), { workspace: ws })).rejects.toThrow(
      /^args\.expectStatus\[1\]: expected number/,
    );
    await expect(registry.invoke(call('sleep', { ms: -1 }), { workspace: ws })).rejects.toThrow(/^args\.ms: Too small/);
  });

  it('an object or a list where a string belongs (a whole-string template kept its type) says how to have it as text', async () => {
    await expect(registry.invoke(call('write_file', { path: 'x.txt', content: { status: 'ok' } }), { workspace: ws })).rejects.toThrow(
      'args.content: expected string, got object (a whole-string {{ }} keeps the value\'s type; to have it as text (objects as JSON), put it in text, e.g. "{{ … }}\\n") (tool "write_file")',
    );
    await expect(registry.invoke(call('shell', { command: ['ls'] }), { workspace: ws })).rejects.toThrow(/^args\.command: expected string, got array \(a whole-string \{\{ \}\} keeps/);
    await expect(registry.invoke(call('sleep', { ms: 'abc' }), { workspace: ws })).rejects.toThrow('args.ms: expected number, got string "abc" (tool "sleep")');
  });

  it('takes a number or boolean where a string belongs as its text: a whole-string template rendered it typed', async () => {
    const output = await registry.invoke(call('shell', { command: 'echo "$N $B"', env: { N: 5, B: false } }), { workspace: ws });
    expect(output).toMatchObject({ stdout: '5 false', exitCode: 0 });
    await expect(registry.invoke(call('shell', { command: 'echo', env: { N: { n: 5 } } }), { workspace: ws })).rejects.toThrow(/^args\.env\.N: expected string/);
  });

  it('gives the executor an InvokeTool bound to a workspace', async () => {
    const invoke = registry.invoker({ workspace: ws });
    await expect(invoke(call('shell', { command: 'pwd' }))).resolves.toMatchObject({ stdout: ws });
  });

  it('feeds plan validation through catalog()', () => {
    const result = validatePlan(
      { goal: 'g', steps: [{ id: 'a', tool: 'shell', args: { command: 'ls', cwdd: 'x' } }, { id: 'b', tool: 'kubctl', args: {} }] },
      { tools: registry.catalog() },
    );
    expect(result.ok).toBe(false);
    const messages = result.issues.map((issue) => issue.message).join('\n');
    expect(messages).toMatch(/cwdd/);
    expect(messages).toMatch(/unknown tool "kubctl" \(did you mean "kubectl"\?\)/);
  });
});

describe('describe()', () => {
  it('renders unvalidated, still templated arguments without throwing', () => {
    const raw = { command: '{{ inputs.cmd }}', args: '{{ inputs.args }}', ms: '{{ inputs.ms }}', url: '{{ inputs.url }}', path: 'x', content: 3 };
    const lines = createBuiltinRegistry()
      .list()
      .map((tool) => tool.describe(raw as never));
    expect(lines).toEqual([
      '{{ inputs.cmd }}',
      'GET {{ inputs.url }}',
      'read x',
      'write x',
      'sleep {{ inputs.ms }}',
      "kubectl '{{ inputs.args }}'",
      "helm '{{ inputs.args }}'",
      "docker '{{ inputs.args }}'",
      "podman '{{ inputs.args }}'",
      'kubectl apply -o json',
      'kubectl diff',
      'kubectl rollout status undefined --watch --timeout=120s',
      'kubectl rollout undo undefined',
      'kubectl port-forward undefined :undefined --address 127.0.0.1, then GET x',
      'helm upgrade --install undefined undefined --wait --timeout 300s -o json (after reading the current revision)',
      'helm rollback undefined --wait --timeout 300s',
    ]);
  });
});

describe('toolsAsJson', () => {
  it('lists name, description, risk and JSON Schemas of input and output', async () => {
    const tools = await toolsAsJson(createBuiltinRegistry());
    const shell = tools.find((tool) => tool.name === 'shell')!;
    expect(shell.risk).toBe('high');
    expect(shell.description).toMatch(/shell command/);
    expect(shell.inputSchema).toMatchObject({
      type: 'object',
      required: ['command'],
      additionalProperties: false,
      properties: { command: { type: 'string' }, cwd: { type: 'string' } },
    });
    expect(shell.outputSchema).toMatchObject({ type: 'object', properties: { exitCode: { type: 'integer' } } });
    const http = tools.find((tool) => tool.name === 'http')!;
    expect(http.inputSchema).toMatchObject({ properties: { method: { enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] } } });
    expect(JSON.parse(JSON.stringify(tools))).toEqual(tools);
  });

  it("says how a step that calls each tool is rated, in the steps' words (read, write, destroy): by what its arguments run, or the level of any call", async () => {
    const stepRisks = Object.fromEntries((await toolsAsJson(createBuiltinRegistry())).map((tool) => [tool.name, tool.stepRisk]));
    expect(stepRisks).toEqual({
      shell: { levels: ['read', 'write', 'destroy'], by: 'the command line' },
      http: { levels: ['read', 'write', 'destroy'], by: 'the method (GET read, POST write, DELETE destroy)' },
      read_file: { levels: ['read'] },
      write_file: { levels: ['write', 'destroy'], by: 'the path (.ksa/policy.yaml is destroy)' },
      sleep: { levels: ['read'] },
      kubectl: { levels: ['read', 'write', 'destroy'], by: 'the subcommand and flags' },
      helm: { levels: ['read', 'write', 'destroy'], by: 'the subcommand and flags' },
      docker: { levels: ['read', 'write', 'destroy'], by: 'the subcommand and flags' },
      podman: { levels: ['read', 'write', 'destroy'], by: 'the subcommand and flags' },
      k8s_apply: { levels: ['read', 'write'], by: 'dryRun ("server" or "client" only reads)' },
      k8s_diff: { levels: ['read'] },
      k8s_rollout_status: { levels: ['read'] },
      k8s_rollback: { levels: ['write', 'destroy'], by: 'toRevision (null deletes the workload)' },
      k8s_port_forward: { levels: ['write', 'destroy'], by: 'the method (DELETE is destroy)' },
      helm_upgrade: { levels: ['write'] },
      helm_rollback: { levels: ['write', 'destroy'], by: 'revision (null uninstalls the release)' },
    });
  });
});

describe('sleep', () => {
  it('waits, and describes itself', async () => {
    const started = Date.now();
    await expect(builtins().invoke(call('sleep', { ms: 30 }), { workspace: ws })).resolves.toEqual({});
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(sleepTool.describe({ ms: 1500 })).toBe('sleep 1500 ms');
    expect(sleepTool.describe({ ms: 120_000 })).toBe('sleep 2 min');
  });

  it('stops at once on abort with the signal reason', async () => {
    const controller = new AbortController();
    // 24 h: only the abort can end it within the test's timeout.
    const run = builtins().invoke(call('sleep', { ms: MAX_SLEEP_MS }, controller.signal), { workspace: ws });
    const reason = new Error('cancelled: by the user');
    setTimeout(() => controller.abort(reason), 20);
    await expect(run).rejects.toBe(reason);
  });
});

function builtins(): ToolRegistry {
  return createBuiltinRegistry();
}
