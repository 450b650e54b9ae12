import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNdjson, runKsa } from '../helpers/cli.js';
import { useCliSandbox } from '../helpers/cli-sandbox.js';
import { expectExit } from '../helpers/durable.js';
import { walk } from '../helpers/store-fixtures.js';

// An input not named like a secret may still hold one under a secret's name (`db: {host: h, password: pw}`): that
// part is *** in the plan card, step output, --json, run.json and logs, the rest of the mapping stays readable.

const sandbox = useCliSandbox('ksa-secret-keyed-inputs-');

async function filesHolding(home: string, text: string): Promise<string[]> {
  if (!existsSync(home)) return [];
  return (await walk(home)).filter((entry) => !entry.dir && readFileSync(path.join(home, entry.rel), 'utf8').includes(text)).map((entry) => entry.rel);
}

const PASSWORD = 'p4ssw0rd-Xq';
const TOKEN = 'tok-5566-abc';

describe.concurrent('an input mapping with a part under a secret name', () => {
  it('hides that part everywhere ksa shows or keeps it, however deep and whichever secret name; the step gets it', async () => {
    const plan = await sandbox.writePlan(
      'keyed/plan.yaml',
      `goal: Connect
inputs:
  db: { host: dbhost, password: ${PASSWORD}, pin: 4321, replicas: [{ name: r1, auth: { apiToken: ${TOKEN}, short: ab } }] }
steps:
  - id: connect
    tool: shell
    args: { command: "echo connect {{ inputs.db.host }} {{ inputs.db.password }} {{ inputs.db.replicas[0].auth.apiToken }} > got.txt; cat got.txt" }
`,
    );
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'keyed');
    const result = await runKsa(['run', plan, '--yes', '--json'], { home, cwd: dir });
    expectExit(result, 0);
    expect(readFileSync(path.join(dir, 'got.txt'), 'utf8')).toBe(`connect dbhost ${PASSWORD} ${TOKEN}\n`);
    expect(result.stderr).toContain('inputs: db={"host":"dbhost","password":"***","pin":4321,"replicas":[{"name":"r1","auth":{"apiToken":"***","short":"ab"}}]}');
    const output = parseNdjson(result.stdout).filter((event) => event.type === 'step_output');
    expect(output.map((event) => event.line)).toEqual(['connect dbhost *** ***']);
    for (const secret of [PASSWORD, TOKEN]) {
      expect(result.stdout + result.stderr, secret).not.toContain(secret);
      expect(await filesHolding(home, secret), secret).toEqual([]);
    }
    const record = JSON.parse(readFileSync(path.join(home, 'runs', (await runKsaRunId(home))!, 'run.json'), 'utf8'));
    // Kept readable but for the secret parts; `auth` names no secret by its last word, so its `short` is kept.
    expect(record.plan.inputs.db).toEqual({ host: 'dbhost', password: '***', pin: 4321, replicas: [{ name: 'r1', auth: { apiToken: '***', short: 'ab' } }] });
  });
});

async function runKsaRunId(home: string): Promise<string | undefined> {
  const listed = await runKsa(['runs', '--json'], { home });
  return (JSON.parse(listed.stdout) as { runs: { runId: string }[] }).runs[0]?.runId;
}
