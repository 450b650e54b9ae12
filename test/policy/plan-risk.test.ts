import nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { assessPlanRisk, commandLineOf, ShellParserMissingError, sqlRisk } from '../../src/policy/index.js';
import { createBuiltinRegistry, parseShell, riskOptions } from '../../src/tools/index.js';

const plan = (steps: PlanInput['steps']) => PlanSchema.parse({ goal: 'risk', steps });

describe('assessPlanRisk', () => {
  it('gives every step a level and the plan the highest one', async () => {
    const risk = await assessPlanRisk(
      plan([
        { id: 'status', tool: 'kubectl', args: { args: ['get', 'pods'] } },
        { id: 'think', type: 'llm_query', prompt: 'What is running?' },
        { id: 'check', type: 'condition', when: 'true' },
        { id: 'wait', tool: 'sleep', args: { ms: 10 } },
      ]),
      { parseShell },
    );
    expect(risk.level).toBe('read');
    expect(Object.keys(risk.steps)).toEqual(['status', 'think', 'check', 'wait']);
    expect(risk.steps.think).toEqual({ level: 'read', reason: 'asks the model' });

    const more = await assessPlanRisk(plan([{ id: 'a', tool: 'shell', args: { command: 'ls' } }, { id: 'b', tool: 'shell', args: { command: 'rm -rf x' } }]), { parseShell });
    expect(more.level).toBe('destroy');
  });

  it('a step is as risky as its rollback, which runs without another question', async () => {
    const risk = await assessPlanRisk(
      plan([
        { id: 'deploy', tool: 'helm', args: { args: ['upgrade', '--install', 'web', './chart'] }, rollback: { tool: 'helm', args: { args: ['uninstall', 'web'] } } },
        { id: 'image', tool: 'docker', args: { args: ['build', '-t', 'x', '.'] }, rollback: { tool: 'shell', args: { command: 'echo undo' } } },
      ]),
      { parseShell },
    );
    expect(risk.steps.deploy).toEqual({ level: 'destroy', reason: 'rollback: helm uninstall' });
    expect(risk.steps.image).toEqual({ level: 'write', reason: 'docker build' });
  });

  it('a shell step that sets PATH, BASH_ENV, LD_PRELOAD… is at least write: they decide what runs', async () => {
    const risk = await assessPlanRisk(
      plan([
        { id: 'path', tool: 'shell', args: { command: 'ls', env: { PATH: './tools:/usr/bin:/bin' } } },
        { id: 'both', tool: 'shell', args: { command: 'ls', env: { BASH_ENV: './x', LD_PRELOAD: './y.so', MODE: 'ci' } } },
        { id: 'plain', tool: 'shell', args: { command: 'ls', env: { MODE: 'ci' } } },
        { id: 'quiet', tool: 'shell', args: { command: 'git log', env: { GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', HELM_NAMESPACE: 'shop', IFS: ',' } } },
        { id: 'differ', tool: 'shell', args: { command: 'git diff', env: { GIT_EXTERNAL_DIFF: 'rm -rf victim' } } },
        { id: 'worse', tool: 'shell', args: { command: 'rm -rf x', env: { PATH: '/bin' } } },
      ]),
      { parseShell },
    );
    expect(risk.steps.path).toEqual({ level: 'write', reason: 'sets PATH, which changes what runs' });
    expect(risk.steps.both).toEqual({ level: 'write', reason: 'sets BASH_ENV, LD_PRELOAD, which changes what runs' });
    expect(risk.steps.plain?.level).toBe('read');
    expect(risk.steps.quiet?.level).toBe('read');
    expect(risk.steps.differ).toEqual({ level: 'destroy', reason: 'rm -rf in GIT_EXTERNAL_DIFF' });
    expect(risk.steps.worse?.level).toBe('destroy');
  });

  it("a shell line's variable default is rated by the value the step's env gives it: the env is in the plan", async () => {
    const risk = await assessPlanRisk(
      plan([
        { id: 'named', tool: 'shell', args: { command: '${TOOL:-ls} -rf data', env: { TOOL: 'rm' } } },
        { id: 'copied', tool: 'shell', args: { command: 'TOOL=${TOOL:-ls}; $TOOL -rf data', env: { TOOL: 'rm' } } },
        { id: 'filled', tool: 'shell', args: { command: '${TOOL:-ls} -la', env: { TOOL: '{{ inputs.tool }}' } } },
        { id: 'same', tool: 'shell', args: { command: '${TOOL:-ls} -la', env: { TOOL: 'ls' } } },
        { id: 'other', tool: 'shell', args: { command: '${TOOL:-ls} -la', env: { MODE: 'ci' } } },
      ]),
      { parseShell },
    );
    expect(risk.steps.named).toEqual({ level: 'destroy', reason: 'rm -rf (named by ${TOOL:-ls})' });
    expect(risk.steps.copied).toEqual({ level: 'destroy', reason: 'rm -rf (named by $TOOL)' });
    expect(risk.steps.filled?.level).toBe('destroy');
    expect(risk.steps.same?.level).toBe('read');
    expect(risk.steps.other?.level).toBe('write');
  });

  it('a write_file of the workspace policy is destroy: it changes what the next plan may do', async () => {
    const paths = ['.ksa/policy.yaml', './.ksa//policy.yaml', 'sub/../.ksa/policy.yml', '.ksa/{{ inputs.name }}'];
    const risk = await assessPlanRisk(plan(paths.map((path, i) => ({ id: `w${i}`, tool: 'write_file', args: { path, content: 'allow: []' } }))), { parseShell });
    expect(paths.map((_, i) => risk.steps[`w${i}`]?.level)).toEqual(['destroy', 'destroy', 'destroy', 'destroy']);
    expect(risk.steps.w0?.reason).toBe('rewrites the workspace permission policy (.ksa/policy.yaml)');
    const other = await assessPlanRisk(plan([{ id: 'w', tool: 'write_file', args: { path: 'docs/policy.yaml', content: '' } }]), { parseShell });
    expect(other.steps.w?.level).toBe('write');
  });

  it('a write_file path is read as the tool reads it (path.resolve): a trailing slash, "." and ".." lead to the policy file or away from it', async () => {
    const paths = ['.ksa/policy.yaml/', '.ksa/policy.yaml//', '.ksa/policy.yaml/.', '.ksa/x/../policy.yaml', './.ksa/./policy.yml/', '.ksa/policy.yaml/../notes.txt', '.ksa/policy.yaml.bak', 'a/.ksa/../policy.yaml', 'notes.txt/'];
    const risk = await assessPlanRisk(plan(paths.map((path, i) => ({ id: `w${i}`, tool: 'write_file', args: { path, content: 'allow: []' } }))), { parseShell });
    const root = '/workspace';
    const writes = (path: string) => nodePath.relative(root, nodePath.resolve(root, path));
    // destroy exactly where the tool would write .ksa/policy.yaml (or .yml).
    expect(paths.map((path, i) => [path, risk.steps[`w${i}`]?.level])).toEqual(paths.map((path) => [path, /^\.ksa\/policy\.ya?ml$/.test(writes(path)) ? 'destroy' : 'write']));
    expect(paths.filter((_, i) => risk.steps[`w${i}`]?.level === 'destroy')).toEqual(['.ksa/policy.yaml/', '.ksa/policy.yaml//', '.ksa/policy.yaml/.', '.ksa/x/../policy.yaml', './.ksa/./policy.yml/']);
  });

  it('a shell line that changes something and names .ksa/policy.yaml is destroy; reading it stays read', async () => {
    const lines = [
      'echo "allow: []" > .ksa/policy.yaml',
      'cp /tmp/open.yaml ./.ksa/policy.yml',
      'printf x | tee -a .ksa//policy.yaml',
      'cat .ksa/policy.yaml',
      'echo hi > docs/policy.yaml',
      // The folder and the name apart.
      "cd .ksa && echo 'allow: []' > policy.yaml",
      'cp /somewhere/policy.yaml .ksa/',
      // A way into the folder, which a later line writes through as cfg/policy.yaml; or the folder replaced.
      'ln -sfn .ksa cfg',
      'cp -r /tmp/rules .ksa',
      // Other files of the folder, and a policy.yaml of another tool, are written as any file.
      'echo notes > .ksa/instructions.md',
      'kubectl apply -f k8s/policy.yaml',
    ];
    const risk = await assessPlanRisk(plan(lines.map((command, i) => ({ id: `s${i}`, tool: 'shell', args: { command } }))), { parseShell });
    expect(lines.map((_, i) => risk.steps[`s${i}`]?.level)).toEqual(['destroy', 'destroy', 'destroy', 'read', 'write', 'destroy', 'destroy', 'destroy', 'destroy', 'write', 'write']);
    expect(risk.steps.s0?.reason).toBe('may rewrite the workspace permission policy (> writes .ksa/policy.yaml)');
  });

  it('http by method, files by what they do', async () => {
    const risk = await assessPlanRisk(
      plan([
        { id: 'get', tool: 'http', args: { url: 'http://x/a' } },
        { id: 'head', tool: 'http', args: { url: 'http://x/a', method: 'head' } },
        { id: 'put', tool: 'http', args: { url: 'http://x/a', method: 'PUT' } },
        { id: 'del', tool: 'http', args: { url: 'http://x/a', method: 'delete' } },
        { id: 'read', tool: 'read_file', args: { path: 'a' } },
        { id: 'write', tool: 'write_file', args: { path: 'a', content: 'x' } },
        { id: 'append', tool: 'write_file', args: { path: 'a', content: 'x', append: true } },
      ]),
      { parseShell },
    );
    expect(Object.fromEntries(Object.entries(risk.steps).map(([id, step]) => [id, step.level]))).toEqual({
      get: 'read',
      head: 'read',
      put: 'write',
      del: 'destroy',
      read: 'read',
      write: 'write',
      append: 'write',
    });
  });

  it('k8s_port_forward is rated by its kubectl call and by the request it sends through it', async () => {
    const registry = createBuiltinRegistry();
    const forward = (method?: string) => ({ resource: 'svc/web', remotePort: 80, ...(method ? { method } : {}) });
    const risk = await assessPlanRisk(
      plan([
        { id: 'get', tool: 'k8s_port_forward', args: forward() },
        { id: 'del', tool: 'k8s_port_forward', args: forward('DELETE') },
      ]),
      riskOptions(registry),
    );
    expect(risk.steps.get!.level).toBe('write');
    expect(risk.steps.del).toEqual({ level: 'destroy', reason: 'DELETE request' });
  });

  it('tools it does not know: by their annotations, else write', async () => {
    const hints = {
      x__list: { readOnlyHint: true },
      x__drop: { destructiveHint: true, readOnlyHint: true },
      x__plain: {},
      x__change: { readOnlyHint: false },
      x__add: { readOnlyHint: false, destructiveHint: false },
    } as const;
    const risk = await assessPlanRisk(
      plan([
        { id: 'list', tool: 'x__list', args: {} },
        { id: 'drop', tool: 'x__drop', args: {} },
        { id: 'plain', tool: 'x__plain', args: {} },
        { id: 'change', tool: 'x__change', args: {} },
        { id: 'add', tool: 'x__add', args: {} },
        { id: 'unknown', tool: 'x__unknown', args: {} },
      ]),
      { parseShell, toolHints: (tool) => hints[tool as keyof typeof hints] },
    );
    expect(risk.steps.list!.level).toBe('read');
    expect(risk.steps.drop!.level).toBe('destroy');
    expect(risk.steps.plain).toEqual({ level: 'write', reason: 'x__plain is not marked read-only' });
    // readOnlyHint: false without destructiveHint: MCP's default is destructive.
    expect(risk.steps.change).toEqual({ level: 'destroy', reason: 'x__change is marked not read-only, and not as non-destructive' });
    expect(risk.steps.add).toEqual({ level: 'write', reason: 'x__add is not marked read-only' });
    expect(risk.steps.unknown).toEqual({ level: 'write', reason: 'x__unknown is not known to be read-only' });
  });

  it('keeps reasons to one short line, whatever the command names', async () => {
    const risk = await assessPlanRisk(plan([{ id: 'a', tool: 'shell', args: { command: `date > /tmp/${'x'.repeat(500)}.txt` } }]), { parseShell });
    expect(risk.steps.a!.level).toBe('write');
    expect(risk.steps.a!.reason).toMatch(/^> writes \/tmp\/x+…$/);
    expect(risk.steps.a!.reason.length).toBe(100);
  });

  it('refuses to guess a shell step without a parser', async () => {
    await expect(assessPlanRisk(plan([{ id: 'a', tool: 'shell', args: { command: 'ls' } }]))).rejects.toBeInstanceOf(ShellParserMissingError);
    // Plans without shell steps need none.
    expect((await assessPlanRisk(plan([{ id: 'a', tool: 'kubectl', args: { args: ['get', 'pods'] } }]))).level).toBe('read');
  });
});

describe('commandLineOf', () => {
  it('is the command line as ksa run shows it, without the program', () => {
    const [shell, kubectl, http, put, file, think] = plan([
      { id: 'a', tool: 'shell', args: { command: 'npm run build', cwd: 'app' } },
      { id: 'b', tool: 'kubectl', args: { args: ['get', 'pods', '-n', 'prod', '-l', 'app=web shop'] } },
      { id: 'c', tool: 'http', args: { url: 'https://api.example.com/v1/x' } },
      { id: 'd', tool: 'http', args: { url: 'https://api.example.com/v1/x', method: 'put' } },
      { id: 'e', tool: 'write_file', args: { path: 'out/a.txt', content: 'x' } },
      { id: 'f', type: 'llm_query', prompt: 'why?' },
    ]).steps;
    expect(commandLineOf(shell!)).toBe('npm run build');
    expect(commandLineOf(kubectl!)).toBe("get pods -n prod -l 'app=web shop'");
    expect(commandLineOf(http!)).toBe('GET https://api.example.com/v1/x');
    expect(commandLineOf(put!)).toBe('PUT https://api.example.com/v1/x');
    expect(commandLineOf(file!)).toBe('out/a.txt');
    expect(commandLineOf(think!)).toBe('why?');
  });
});

describe('sqlRisk', () => {
  it.each([
    ['SELECT * FROM users', 'read'],
    ['select 1; show tables', 'read'],
    ['\\dt', 'read'],
    ['INSERT INTO t VALUES (1)', 'write'],
    ['SELECT * INTO backup FROM t', 'write'],
    ['UPDATE t SET a = 1', 'write'],
    ['drop table users', 'destroy'],
    ['TRUNCATE audit', 'destroy'],
    ['delete from orders where id = 1', 'destroy'],
    ['ALTER TABLE t DROP COLUMN a', 'destroy'],
    ['SELECT 1; -- DROP TABLE x', 'read'],
  ])('%s → %s', (sql, level) => {
    expect(sqlRisk(sql).level).toBe(level);
  });
});
