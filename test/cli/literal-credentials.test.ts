import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup } from '../helpers/durable.js';
import { crashedWhileS2Runs } from '../helpers/long-run.js';

// A token typed into a plan (no variable or input holds it) is hidden by its shape wherever ksa writes: the run
// record, the step logs, the --json events; one a step prints at run time too. ksa validate and ksa run say where
// the plan holds it; a resume refuses the step that holds it, as for any secret typed into a step.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-literal-credentials-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

const TOKEN = 'ghp_' + 'Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc8';
const AWS_TAIL = 'QWERTYUIOP123456';
const PLAN = `goal: Push with a typed token
steps:
  - id: push
    tool: shell
    args: { command: "echo pushing with ${TOKEN}" }
  - id: mint
    tool: shell
    dependsOn: [push]
    args: { command: "printf 'AKIA%s\\\\n' ${AWS_TAIL}" }
`;

/** Every file under a folder, as text. */
function allText(root: string): string {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

describe.concurrent('a credential typed into a plan', () => {
  it('ksa validate warns naming the field and the step, and the plan stays valid', async () => {
    const file = await sandbox.writePlan('validate/plan.yaml', PLAN);
    const result = await runKsa(['validate', file], { home: path.join(sandbox.home, 'validate'), cwd: path.dirname(file) });
    expectExit(result, 0);
    expect(result.stderr).toContain('steps[0].args.command (step push) holds a GitHub token written into the plan: it is stored as *** and the step cannot be resumed from its run');
    expect(result.stderr).not.toContain(TOKEN);
    const json = await runKsa(['validate', file, '--json'], { home: path.join(sandbox.home, 'validate'), cwd: path.dirname(file) });
    expect((JSON.parse(json.stdout) as { warnings: string[] }).warnings[0]).toMatch(/^steps\[0\]\.args\.command \(step push\) holds a GitHub token/);
  });

  it('ksa validate and ksa run warn of a private key pasted as an input\'s default, naming the input, and do not repeat it', async () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n';
    const plan = `goal: Copy a key\ninputs:\n  sshKey: ${JSON.stringify(key)}\nsteps:\n  - id: copy\n    tool: shell\n    args: { command: "echo {{ size(inputs.sshKey) }}" }\n`;
    const file = await sandbox.writePlan('input-default/plan.yaml', plan);
    const home = path.join(sandbox.home, 'input-default');
    const warning = 'ksa: warning: inputs.sshKey holds a private key written into the plan: it is stored as *** and must be given again to resume the run (--input sshKey=\u2026); declare the input without a default (sshKey:) and pass it with --input sshKey=\u2026';
    const validated = await runKsa(['validate', file], { home, cwd: path.dirname(file) });
    expectExit(validated, 0);
    expect(validated.stderr.trim()).toBe(warning);
    const ran = await runKsa(['run', file, '--yes'], { home, cwd: path.dirname(file) });
    expectExit(ran, 0);
    expect(ran.stderr).toContain(warning);
    for (const text of [validated.stdout, validated.stderr, ran.stdout, ran.stderr, allText(home)]) expect(text).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA');
  });

  it('ksa run hides it, and a token a step prints, in its events, its record and its logs; the step runs with it', async () => {
    const file = await sandbox.writePlan('run/plan.yaml', PLAN);
    const home = path.join(sandbox.home, 'run');
    const result = await runKsa(['run', file, '--yes', '--json'], { home, cwd: path.dirname(file) });
    expectExit(result, 0);
    expect(result.stderr).toContain('steps[0].args.command (step push) holds a GitHub token');
    const events = parseNdjson(result.stdout);
    expect(events.filter((event) => event.type === 'step_output').map((event) => event.line)).toEqual(['pushing with ***', '***']);
    for (const text of [result.stdout, result.stderr, allText(home)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(`AKIA${AWS_TAIL}`);
    }
    expect(allText(home)).toContain('pushing with ***');
  });

  it('ksa resume after a crash refuses the step that holds it, naming it (exit 2)', async () => {
    const plan = `goal: Typed token
steps:
  - id: s1
    tool: shell
    args: { command: "echo s1" }
  - id: s2
    tool: shell
    dependsOn: [s1]
    args: { command: "echo $$ >> long.pids; sleep 30" }
  - id: push
    tool: shell
    dependsOn: [s2]
    args: { command: "echo ${TOKEN} > pushed.txt" }
`;
    const { file, dir, home, runId } = await crashedWhileS2Runs(sandbox, 'resume', plan, leftovers);
    expect(allText(home)).not.toContain(TOKEN);
    const result = await runKsa(['resume', runId, '--yes'], { home, cwd: dir });
    expectExit(result, 2);
    expect(result.stderr.trim()).toBe(`ksa: run ${runId} cannot be resumed: step push holds a secret written into the plan, stored as *** and not kept; nothing was run. ksa run ${file} starts it afresh`);
  });
});
