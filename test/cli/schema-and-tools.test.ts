import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, stackTraceLines, type CliSandbox } from '../helpers/cli.js';

// `ksa schema` and `ksa tools`: machine-readable output that editors and scripts rely on.

const BUILTIN_TOOLS = ['shell', 'http', 'read_file', 'write_file', 'sleep', 'kubectl', 'helm', 'docker', 'podman', 'k8s_apply', 'k8s_diff', 'k8s_rollout_status', 'k8s_rollback', 'k8s_port_forward', 'helm_upgrade', 'helm_rollback'];

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const ksa = (...args: string[]) => runKsa(args, { home: sandbox.home, cwd: sandbox.dir });

type JsonSchema = { $schema?: string; type?: string; properties?: Record<string, JsonSchema>; required?: string[]; items?: JsonSchema };

describe.concurrent('ksa schema and ksa tools', () => {
  it('ksa schema prints the plan JSON Schema: parseable, with goal and steps', async () => {
    const result = await ksa('schema');
    expect(result.code, describeResult(result)).toBe(0);
    const schema = JSON.parse(result.stdout) as JsonSchema;
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.type).toBe('object');
    expect(schema.properties).toHaveProperty('steps');
    expect(schema.properties).toHaveProperty('goal');
    expect(schema.required).toEqual(expect.arrayContaining(['goal', 'steps']));
    expect(result.stderr).toBe('');
  });

  it('ksa tools lists every built-in tool with its arguments', async () => {
    const result = await ksa('tools');
    expect(result.code, describeResult(result)).toBe(0);
    const names = result.stdout
      .split('\n')
      .filter((line) => /^\S/.test(line))
      .map((line) => line.split(' ')[0]);
    expect(names).toEqual(expect.arrayContaining(BUILTIN_TOOLS));
    // Arguments are listed under each tool, e.g. the shell's command.
    expect(result.stdout).toMatch(/^ {4}command: string/m);
    // Each tool says how its steps are rated, in the levels validate and policy check give a step.
    expect(result.stdout).toContain('shell (steps: read, write or destroy, by the command line)\n');
    expect(result.stdout).toContain('k8s_diff (steps: read)\n');
    expect(stackTraceLines(result.stderr)).toEqual([]);
  });

  it('ksa tools --json is one JSON document with an input schema per tool', async () => {
    const result = await ksa('tools', '--json');
    expect(result.code, describeResult(result)).toBe(0);
    const doc = JSON.parse(result.stdout) as { tools: { name: string; description: string; risk: string; inputSchema: JsonSchema }[] };
    expect(doc.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(BUILTIN_TOOLS));
    for (const tool of doc.tools) {
      expect(tool.description, tool.name).not.toBe('');
      expect(tool.inputSchema.type, tool.name).toBe('object');
    }
    const byName = new Map(doc.tools.map((tool) => [tool.name, tool]));
    expect(byName.get('shell')!.inputSchema.required).toContain('command');
    expect(byName.get('http')!.inputSchema.required).toContain('url');
    expect(byName.get('kubectl')!.inputSchema.properties!.args!.type).toBe('array');
  });
});
