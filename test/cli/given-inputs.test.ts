import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup } from '../helpers/durable.js';
import { startLongRun } from '../helpers/long-run.js';

// --input values as the plan's defaults for them are written: text as typed, numbers and true/false where the default is one.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-given-inputs-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

/** The lines a run's steps printed, from its --json events. */
function printed(stdout: string): string[] {
  return parseNdjson(stdout)
    .filter((event) => event.type === 'step_output')
    .map((event) => (event as { line?: string }).line ?? '');
}

/** Given text for a text input, and the text the step sees: exactly what was typed. */
const TEXT_ROWS: readonly (readonly [string, string])[] = [
  ['release', '2.10'],
  ['sha', '0123e45'],
  ['note', 'hotfix #42'],
  ['zeros', '0e12345'],
  ['huge', '1e400'],
  ['pin', '0123456'],
  ['octal', '0o17'],
  ['plus', '+12'],
  ['quoted', '"quoted"'],
  ['padded', '  padded  '],
  ['folded', 'line one\n  line two'],
  ['undeclared', '9090'],
];

describe.concurrent('--input values', () => {
  it('a text input gets the exact text given; a number default a number; a true/false default true or false', async () => {
    const declared = TEXT_ROWS.filter(([name]) => name !== 'undeclared').map(([name]) => `  ${name}: "1.0"`);
    const shown = TEXT_ROWS.map(([name]) => `[{{ inputs.${name} }}]`).join(' ');
    const plan = await sandbox.writePlan(
      'text/plan.yaml',
      `goal: Release
inputs:
${declared.join('\n')}
  deployProd: "false"
  port: 8080
  ratio: 0.5
  debug: false
steps:
  - id: show
    tool: shell
    args: { command: 'printf "%s\\n" "$SHOWN"; echo "port {{ inputs.port + 1 }} ratio {{ inputs.ratio * 2.0 }} debug {{ !inputs.debug }}"', env: { SHOWN: '${shown}' } }
  - id: prod
    tool: shell
    dependsOn: [show]
    when: "inputs.deployProd == 'true'"
    args: { command: 'echo deploying to prod' }
`,
    );
    const given = [...TEXT_ROWS, ['deployProd', 'true'], ['port', '9090'], ['ratio', '-1.25'], ['debug', 'true']].flatMap(([name, value]) => ['--input', `${name}=${value}`]);
    const result = await runKsa(['run', plan, '--yes', '--json', ...given], { home: path.join(sandbox.home, 'text'), cwd: path.dirname(plan) });
    expectExit(result, 0);
    const lines = printed(result.stdout);
    expect(lines.join('\n')).toContain(TEXT_ROWS.map(([, value]) => `[${value}]`).join(' '));
    expect(lines).toContain('port 9091 ratio -2.5 debug false');
    expect(lines).toContain('deploying to prod');
    // The card shows them as given too.
    expect(result.stderr).toContain('release=2.10, sha=0123e45, note=hotfix #42');
  });

  it('a number or true/false default refuses other text up front (exit 2), naming the input and what was given', async () => {
    const plan = await sandbox.writePlan('typed/plan.yaml', 'goal: Typed\ninputs: { port: 8080, debug: false }\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo {{ inputs.port }} {{ inputs.debug }}" }\n');
    const home = path.join(sandbox.home, 'typed');
    for (const [given, message] of [
      ['port=0x10', `--input port: expected a number, as the plan's default 8080 is; got string "0x10"`],
      ['port=1e3', `--input port: expected a number, as the plan's default 8080 is; got string "1e3"`],
      ['port=+12', `--input port: expected a number, as the plan's default 8080 is; got string "+12"`],
      ['port= 4', `--input port: expected a number, as the plan's default 8080 is; got string " 4"`],
      ['debug=yes', `--input debug: expected true or false, as the plan's default false is; got string "yes"`],
      ['debug=tRUE', `--input debug: expected true or false, as the plan's default false is; got string "tRUE"`],
      ['debug=1', `--input debug: expected true or false, as the plan's default false is; got string "1"`],
    ] as const) {
      const result = await runKsa(['run', plan, '--yes', '--input', given], { home, cwd: path.dirname(plan) });
      expect(result.code, describeResult(result)).toBe(2);
      expect(result.stderr).toContain(message);
      const validate = await runKsa(['validate', plan, '--input', given], { home, cwd: path.dirname(plan) });
      expect(validate.code, describeResult(validate)).toBe(2);
      expect(validate.stdout).toContain(message);
    }
    expectExit(await runKsa(['validate', plan, '--input', 'port=9090', '--input', 'debug=true'], { home, cwd: path.dirname(plan) }), 0);
    // As YAML 1.2 reads them in the plan itself.
    for (const [given, shown] of [['True', 'true'], ['TRUE', 'true'], ['False', 'false'], ['FALSE', 'false']]) {
      const result = await runKsa(['run', plan, '--yes', '--json', '--input', `debug=${given}`], { home, cwd: path.dirname(plan) });
      expectExit(result, 0);
      expect(printed(result.stdout)).toContain(`8080 ${shown}`);
    }
  });

  it('a list or mapping input takes a list or mapping written in YAML or JSON, and refuses another value up front (exit 2), before any step runs', async () => {
    const plan = await sandbox.writePlan(
      'lists/plan.yaml',
      `goal: Regions
inputs:
  regions: [eu-west-1, us-east-1]
  limits: { cpu: "1", memory: 1Gi }
steps:
  - id: build
    tool: shell
    args: { command: 'touch built' }
  - id: deploy
    tool: shell
    dependsOn: [build]
    args: { command: 'echo "deploy {{ inputs.regions.join(",") }} cpu={{ inputs.limits.cpu }}"' }
`,
    );
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'lists');
    const refused = await runKsa(['run', plan, '--yes', '--input', 'regions=eu-west-1', '--input', 'limits=[1]'], { home: path.join(sandbox.home, 'lists-refused'), cwd: dir });
    expect(refused.code, describeResult(refused)).toBe(2);
    expect(refused.stderr).toContain(`--input regions: expected a list (YAML or JSON: [a, b]), as the plan's default is; got string "eu-west-1"`);
    expect(refused.stderr).toContain(`--input limits: expected a mapping (YAML or JSON: {key: value}), as the plan's default is; got array`);
    expect(existsSync(path.join(dir, 'built'))).toBe(false);
    for (const [regions, limits] of [
      ['[eu-west-1]', '{cpu: "2", memory: 2Gi}'],
      ['["eu-west-1"]', '{"cpu": "2"}'],
    ]) {
      const result = await runKsa(['run', plan, '--yes', '--json', '--input', `regions=${regions}`, '--input', `limits=${limits}`], { home, cwd: dir });
      expectExit(result, 0);
      expect(printed(result.stdout)).toContain('deploy eu-west-1 cpu=2');
      expect(result.stderr).toContain('inputs: regions=["eu-west-1"], limits={"cpu":"2"');
    }
    const validate = await runKsa(['validate', plan, '--input', 'regions=[a, b]', '--input', 'limits={cpu: "3"}'], { home, cwd: dir });
    expectExit(validate, 0);
  });

  it('an input declared without a value that a step reads is required: run refuses up front (exit 2), validate says so, both pass once it is given', async () => {
    const plan = await sandbox.writePlan(
      'valueless/plan.yaml',
      `goal: Push
inputs:
  image:
  tag: null
  unused:
steps:
  - id: push
    tool: shell
    args: { command: 'touch pushed; echo docker push "$IMAGE:{{ inputs.tag }}"', env: { IMAGE: "{{ inputs.image }}" } }
`,
    );
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'valueless');
    const run = await runKsa(['run', plan, '--yes'], { home, cwd: dir });
    expect(run.code, describeResult(run)).toBe(2);
    for (const name of ['image', 'tag']) {
      expect(run.stderr).toContain(`inputs.${name}: input "${name}" has no value (step push reads it): pass --input ${name}=…, or give it a value in the plan`);
    }
    expect(run.stderr).not.toContain('unused');
    expect(existsSync(path.join(dir, 'pushed'))).toBe(false);
    const validate = await runKsa(['validate', plan], { home, cwd: dir });
    expect(validate.code, describeResult(validate)).toBe(2);
    expect(validate.stdout).toContain('input "image" has no value (step push reads it): pass --input image=…');
    expectExit(await runKsa(['validate', plan, '--input', 'image=web', '--input', 'tag='], { home, cwd: dir }), 0);
    const given = await runKsa(['run', plan, '--yes', '--json', '--input', 'image=web', '--input', 'tag=v1'], { home, cwd: dir });
    expectExit(given, 0);
    expect(printed(given.stdout)).toContain('docker push web:v1');
  });

  it('an input without a value is required unless the plan tests it against null before the read: a when testing another value, has() or || does not (exit 2, nothing run)', async () => {
    const plan = await sandbox.writePlan(
      'unguarded/plan.yaml',
      `goal: Push
inputs: { image: , tag: , enabled: true }
steps:
  - id: push
    tool: shell
    when: 'inputs.enabled && inputs.image != ""'
    args: { command: 'touch pushed; echo docker push {{ inputs.image }}:v1' }
  - { id: tagged, tool: shell, args: { command: 'touch tagged; echo {{ has(inputs.tag) ? inputs.tag : "latest" }} {{ inputs.tag || "latest" }}' } }
`,
    );
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'unguarded');
    const run = await runKsa(['run', plan, '--yes'], { home, cwd: dir });
    expect(run.code, describeResult(run)).toBe(2);
    expect(run.stderr).toContain('input "image" has no value (step push reads it): pass --input image=…');
    expect(run.stderr).toContain('input "tag" has no value (step tagged reads it): pass --input tag=…');
    expect(existsSync(path.join(dir, 'pushed')) || existsSync(path.join(dir, 'tagged'))).toBe(false);
    const validate = await runKsa(['validate', plan], { home, cwd: dir });
    expect(validate.code, describeResult(validate)).toBe(2);
    expect(validate.stdout).toContain('input "image" has no value (step push reads it)');
    // Tested against null first, the same inputs need no value.
    const guarded = await sandbox.writePlan(
      'unguarded/guarded.yaml',
      `goal: Push
inputs: { image: , tag: , enabled: true }
steps:
  - id: push
    tool: shell
    when: 'inputs.enabled && inputs.image != null'
    args: { command: 'touch pushed; echo docker push {{ inputs.image }}:v1' }
  - { id: tagged, tool: shell, args: { command: 'echo "tag={{ inputs.tag == null ? "latest" : inputs.tag }} {{ inputs.tag != null && inputs.tag != "" }}"' } }
`,
    );
    const ran = await runKsa(['run', guarded, '--yes', '--json'], { home, cwd: dir });
    expectExit(ran, 0);
    expect(printed(ran.stdout)).toContain('tag=latest false');
    expect(existsSync(path.join(dir, 'pushed'))).toBe(false);
  });

  it('an input without a default reads a plain whole number as a number and true/false as a boolean, anything else as the exact text', async () => {
    const texts = ['2.10', '0123', '1e3', '-0', '9007199254740993', 'yes'];
    const plan = await sandbox.writePlan(
      'typeless/plan.yaml',
      `goal: Scale
inputs:
  replicas:
  enabled: null
${texts.map((_, i) => `  t${i}:`).join('\n')}
steps:
  - { id: build, tool: shell, args: { command: "echo built" } }
  - id: scale
    tool: shell
    dependsOn: [build]
    when: "inputs.replicas > 2 && inputs.enabled"
    args: { command: 'echo "scaling to {{ inputs.replicas + 1 }} ${texts.map((_, i) => `[{{ inputs.t${i} + "" }}]`).join(' ')}"' }
`,
    );
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'typeless');
    const given = texts.flatMap((text, i) => ['--input', `t${i}=${text}`]);
    const numbers = await runKsa(['run', plan, '--yes', '--json', '--input', 'replicas=9007199254740991', '--input', 'enabled=true', ...given], { home, cwd: dir });
    expectExit(numbers, 0);
    expect(printed(numbers.stdout)).toContain(`scaling to 9007199254740992 ${texts.map((text) => `[${text}]`).join(' ')}`);
    // Text where the plan compares a number is refused before anything runs.
    const versioned = await runKsa(['run', plan, '--yes', '--input', 'replicas=2.10', '--input', 'enabled=true', ...given], { home, cwd: dir });
    expect(versioned.code, describeResult(versioned)).toBe(2);
    expect(versioned.stderr).toContain('--input replicas: "inputs.replicas > 2 && inputs.enabled" reads it as a number, and string "2.10" is not one');
    expectExit(await runKsa(['validate', plan, '--input', 'replicas=5', '--input', 'enabled=false', ...given], { home, cwd: dir }), 0);
  });

  it('an input without a default given TRUE, True or FALSE gets that exact text (a label, a password), only true/false is a boolean', async () => {
    const plan = await sandbox.writePlan(
      'typeless-case/plan.yaml',
      `goal: Label
inputs: { label: , dbPassword: , flag: }
steps:
  - { id: label, tool: shell, args: { command: 'echo "label={{ inputs.label }} flag={{ inputs.flag }}"; printf %s "{{ inputs.dbPassword }}" > password.txt' } }
`,
    );
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'typeless-case');
    const run = await runKsa(['run', plan, '--yes', '--json', '--input', 'label=TRUE', '--input', 'dbPassword=True', '--input', 'flag=true'], { home, cwd: dir });
    expectExit(run, 0);
    expect(printed(run.stdout)).toContain('label=TRUE flag=true');
    expect(readFileSync(path.join(dir, 'password.txt'), 'utf8')).toBe('True');
  });

  it('ksa resume of a run whose plan reads an input without a value refuses it up front (exit 2), naming it', async () => {
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'resume-valueless', leftovers);
    ksa.kill('SIGKILL');
    await ksa.result;
    const file = path.join(home, 'runs', runId, 'run.json');
    const record = JSON.parse(readFileSync(file, 'utf8'));
    record.plan.inputs = { image: null };
    record.plan.steps[2].args.command = 'echo "pushed {{ inputs.image }}" > pushed';
    writeFileSync(file, JSON.stringify(record));
    writeFileSync(path.join(dir, 'fast'), '');
    const resume = await runKsa(['resume', runId, '--yes'], { home, cwd: dir });
    expect(resume.code, describeResult(resume)).toBe(2);
    expect(resume.stderr).toContain('input "image" has no value (step after reads it): pass --input image=…');
    expect(existsSync(path.join(dir, 'pushed'))).toBe(false);
    expectExit(await runKsa(['resume', runId, '--yes', '--input', 'image=web'], { home, cwd: dir }), 0);
    expect(readFileSync(path.join(dir, 'pushed'), 'utf8')).toBe('pushed web\n');
  });

  it('a whole number past 2^53 is refused up front (exit 2), in the plan or given with --input; quoted, it passes as text', async () => {
    const plan = await sandbox.writePlan('big/plan.yaml', 'goal: Notify\ninputs:\n  channelId: 1234567890123456789\n  port: 8080\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "touch sent; echo {{ inputs.channelId }} {{ inputs.port }}" }\n');
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'big');
    const run = await runKsa(['run', plan, '--yes'], { home, cwd: dir });
    expect(run.code, describeResult(run)).toBe(2);
    expect(run.stderr).toContain('inputs.channelId: is a whole number too large to keep exact (more than 9007199254740991; it would be read as 1234567890123456800): quote it to pass it as text');
    expect(existsSync(path.join(dir, 'sent'))).toBe(false);
    const validate = await runKsa(['validate', plan], { home, cwd: dir });
    expect(validate.code, describeResult(validate)).toBe(2);
    writeFileSync(plan, readFileSync(plan, 'utf8').replace('channelId: 1234567890123456789', 'channelId: "1234567890123456789"'));
    const given = await runKsa(['run', plan, '--yes', '--input', 'port=12345678901234567890'], { home, cwd: dir });
    expect(given.code, describeResult(given)).toBe(2);
    expect(given.stderr).toContain("--input port: 12345678901234567890 is a whole number too large to keep exact (more than 9007199254740991): to pass it as text, quote the plan's default");
    const quoted = await runKsa(['run', plan, '--yes', '--json', '--input', 'channelId=98765432109876543210', '--input', 'port=9007199254740991'], { home, cwd: dir });
    expectExit(quoted, 0);
    expect(printed(quoted.stdout)).toContain('98765432109876543210 9007199254740991');
  });

  it('a list or mapping given with --input is read as a plan file is: merge keys apply; a tag, a number that is not finite or one in hexadecimal is refused up front (exit 2), naming the input', async () => {
    const plan = await sandbox.writePlan(
      'structures/plan.yaml',
      "goal: Regions\ninputs: { regions: [eu], meta: { a: 1 }, ids: [1] }\nsteps:\n  - id: a\n    tool: shell\n    args: { command: \"touch ran; echo {{ inputs.regions.join(',') }} {{ inputs.meta.x }} {{ inputs.meta.y }} {{ inputs.ids.size() }}\" }\n",
    );
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'structures');
    for (const [command, ...flags] of [['run', '--yes'], ['validate']]) {
      const tagged = await runKsa([command!, plan, ...flags, '--input', 'regions=[!env HOME]'], { home, cwd: dir });
      expect(tagged.code, describeResult(tagged)).toBe(2);
      // ksa validate lists it with the plan's problems, on stdout.
      expect(tagged.stdout + tagged.stderr).toContain('--input regions: item [0]: a YAML tag ("!env") — quote the value: "!env HOME"');
    }
    for (const [given, said] of [
      ['ids=[1, 1e400]', '--input ids: item [1]: 1e400 is not a finite number'],
      ['ids=[0x1F]', '--input ids: item [0]: 0x1F is a number written in hexadecimal'],
    ]) {
      const refused = await runKsa(['run', plan, '--yes', '--input', given!], { home, cwd: dir });
      expect(refused.code, describeResult(refused)).toBe(2);
      expect(refused.stderr).toContain(said);
    }
    expect(existsSync(path.join(dir, 'ran'))).toBe(false);
    const merged = await runKsa(['run', plan, '--yes', '--json', '--input', 'meta={<<: {x: 1}, y: 2}'], { home, cwd: dir });
    expectExit(merged, 0);
    expect(printed(merged.stdout)).toEqual(['eu 1 2 1']);
  });

  it('ksa resume --input reads a value as ksa run does: the exact text for a text input', async () => {
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'resume-text', leftovers, { inputs: { release: '1.0' } });
    ksa.kill('SIGKILL');
    await ksa.result;
    const file = path.join(home, 'runs', runId, 'run.json');
    const record = JSON.parse(readFileSync(file, 'utf8'));
    record.plan.steps[2].args.command = 'echo "release {{ inputs.release }}"';
    writeFileSync(file, JSON.stringify(record));
    writeFileSync(path.join(dir, 'fast'), '');
    const resume = await runKsa(['resume', runId, '--yes', '--json', '--input', 'release=2.10 #rc'], { home, cwd: dir });
    expectExit(resume, 0);
    expect(printed(resume.stdout)).toContain('release 2.10 #rc');
  });
});
