import { truncate } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, nonEmptyLines, REPO_ROOT, runKsa, stackTraceLines, type CliResult, type CliSandbox } from '../helpers/cli.js';

// `ksa validate` on real files: every problem on its own line with file:line:col and its path.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

/** Runs in the sandbox dir, so a relative plan path is shown as given. */
const ksa = (...args: string[]) => runKsa(args, { home: sandbox.home, cwd: sandbox.dir });

function expectNoStackTrace(result: CliResult): void {
  expect(stackTraceLines(result.stdout), describeResult(result)).toEqual([]);
  expect(stackTraceLines(result.stderr), describeResult(result)).toEqual([]);
}

// Line numbers matter: the assertions below point into this text.
const MANY_PROBLEMS = `goal: A plan with many problems
steps:
  - id: build
    tool: shell
    args: { command: "echo build" }
  - id: test
    tool: shell
    args: { command: "echo test" }
    dependsOn: [biuld]
  - id: a
    tool: shell
    args: { command: "echo a" }
    dependsOn: [b]
  - id: b
    tool: shell
    args: { command: "echo b" }
    dependsOn: [a]
  - id: c
    tool: frobnicate
    args: {}
  - id: d
    tool: shell
    args: { command: "echo d" }
    when: "steps.build.output.stdout == "
    dependsOn: [build]
  - id: e
    tool: sleep
    args: { ms: "soon" }
  - id: f
    tool: shell
    args: { command: "echo {{ steps.nope.output.stdout }}" }
    colour: red
`;

describe.concurrent('ksa validate', () => {
  it('accepts the deploy-local example: exit 0, one summary line', async () => {
    const result = await runKsa(['validate', 'examples/deploy-local/plan.yaml'], { home: sandbox.home, cwd: REPO_ROOT });
    expect(result.code, describeResult(result)).toBe(0);
    expect(nonEmptyLines(result.stdout)).toEqual([expect.stringMatching(/^✓ examples\/deploy-local\/plan\.yaml: valid plan, 10 steps, critical path \d+ steps/)]);
    expectNoStackTrace(result);
  });

  it('YAML merge keys share fields between steps (<<: *step); a problem in a merged step is located in it', async () => {
    await sandbox.writePlan('merge.yaml', 'goal: Shared fields\nsteps:\n  - &base\n    id: a\n    tool: shell\n    retry: { maxAttempts: 2 }\n    args: { command: "echo a" }\n  - <<: *base\n    id: b\n    dependsOn: [a]\n    args: { command: "echo b" }\n');
    const valid = await ksa('validate', '--json', 'merge.yaml');
    expect(valid.code, describeResult(valid)).toBe(0);
    await sandbox.writePlan('merge-bad.yaml', 'goal: Shared fields\nsteps:\n  - &base\n    id: a\n    tool: shell\n    args: { command: "echo a" }\n  - <<: *base\n    id: b\n    bogus: 1\n');
    const invalid = await ksa('validate', 'merge-bad.yaml');
    expect(invalid.code, describeResult(invalid)).toBe(2);
    expect(invalid.stdout + invalid.stderr).toContain('merge-bad.yaml:9:12 steps[1].bogus: unknown field "bogus"');
  });

  it('an empty plan path is said to be empty, not a folder', async () => {
    const result = await ksa('validate', '');
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr.trim()).toBe('ksa: the plan path is empty: give a plan file (.yaml or .json), or - to read it from stdin');
  });

  it('reports every problem at once, each on its own line with file:line:col and its path, exit 2', async () => {
    await sandbox.writePlan('many.yaml', MANY_PROBLEMS);
    const result = await ksa('validate', 'many.yaml');
    expect(result.code, describeResult(result)).toBe(2);
    const lines = nonEmptyLines(result.stdout);
    expect(lines[0]).toMatch(/^many\.yaml: invalid plan, \d+ problems:$/);
    const problems = lines.slice(1);
    const expected = [
      /^ {2}many\.yaml:9:17 steps\[1\]\.dependsOn\[0\]: unknown step "biuld" \(did you mean "build"\?\)$/,
      /^ {2}many\.yaml:\d+:\d+ steps\[2\]\.dependsOn: dependency cycle: a -> b -> a\b/,
      /^ {2}many\.yaml:19:11 steps\[4\]\.tool: unknown tool "frobnicate"; available: .*shell/,
      /^ {2}many\.yaml:24:11 steps\[5\]\.when: expression "steps\.build\.output\.stdout == " does not compile/,
      /^ {2}many\.yaml:28:17 steps\[6\]\.args\.ms: expected number/,
      /^ {2}many\.yaml:\d+:\d+ steps\[7\]\.colour: unknown field "colour"$/,
      // The unknown field must not hide the same step's other problem.
      /^ {2}many\.yaml:31:\d+ steps\[7\]\.args\.command: .*references unknown step "nope"/,
    ];
    for (const pattern of expected) expect(problems.filter((line) => pattern.test(line)), `${pattern}\n${result.stdout}`).toHaveLength(1);
    expect(problems).toHaveLength(expected.length);
    expect(lines[0]).toContain(`${expected.length} problems`);
    expectNoStackTrace(result);
  });

  it('--json prints one JSON document with every problem located, exit 2', async () => {
    await sandbox.writePlan('many-json.yaml', MANY_PROBLEMS);
    const result = await ksa('validate', '--json', 'many-json.yaml');
    expect(result.code, describeResult(result)).toBe(2);
    const doc = JSON.parse(result.stdout) as { valid: boolean; file: string; issues: { code: string; path: string; message: string; line?: number; column?: number }[] };
    expect(doc.valid).toBe(false);
    expect(doc.file).toBe('many-json.yaml');
    expect(doc.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['steps[1].dependsOn[0]', 'steps[2].dependsOn', 'steps[4].tool', 'steps[5].when', 'steps[6].args.ms', 'steps[7].colour']),
    );
    expect(doc.issues.find((issue) => issue.path === 'steps[1].dependsOn[0]')).toMatchObject({ code: 'unknown_dependency', line: 9, column: 17 });
    for (const issue of doc.issues) {
      expect(issue.line, JSON.stringify(issue)).toEqual(expect.any(Number));
      expect(issue.column, JSON.stringify(issue)).toEqual(expect.any(Number));
    }
    expectNoStackTrace(result);
  });

  it('--json on a valid plan prints one JSON document, exit 0', async () => {
    const result = await runKsa(['validate', '--json', 'examples/deploy-local/plan.yaml'], { home: sandbox.home, cwd: REPO_ROOT });
    expect(result.code, describeResult(result)).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ valid: true, file: 'examples/deploy-local/plan.yaml', steps: 10, issues: [], risk: 'write' });
    // Each step's level and why, in plan order; the plan's level is its highest step's.
    expect(doc.stepRisks).toHaveLength(10);
    expect(doc.stepRisks).toContainEqual({ id: 'health', risk: 'read', riskReason: 'GET request' });
    expect(doc.stepRisks).toContainEqual({ id: 'install', risk: 'write', riskReason: 'npm install' });
    // The example moves failed releases aside instead of deleting them: no step of it destroys anything.
    expect(doc.stepRisks).toContainEqual({ id: 'build', risk: 'write', riskReason: 'node runs app/scripts/build.js' });
    expect(doc.stepRisks).toContainEqual({ id: 'detect', risk: 'read', riskReason: 'cat' });
  });

  it('an http header fetch would refuse, or a body on GET, is a problem with its path before anything runs', async () => {
    await sandbox.writePlan(
      'http-args.yaml',
      `goal: g
steps:
  - { id: hdr, tool: http, args: { url: 'http://127.0.0.1:1/echo', headers: { 'bad header': v } } }
  - { id: body, tool: http, args: { url: 'http://127.0.0.1:1/echo', body: x } }
  - { id: fine, tool: http, args: { url: 'http://127.0.0.1:1/echo', method: POST, body: x, headers: { Authorization: 'Bearer {{ inputs.t }}' } } }
inputs: { t: { default: abc } }
`,
    );
    const result = await ksa('validate', 'http-args.yaml');
    expect(result.code, describeResult(result)).toBe(2);
    expect(nonEmptyLines(result.stdout).slice(1)).toEqual([
      `  http-args.yaml:3:93 steps[0].args.headers["bad header"]: not a valid header name (letters, digits and !#$%&'*+-.^_\`|~ only) (tool "http")`,
      '  http-args.yaml:4:75 steps[1].args.body: a GET request cannot have a body (send it with method POST, PUT or PATCH) (tool "http")',
    ]);
    expectNoStackTrace(result);
  });

  it("a built-in tool's argument outside its values is one problem naming them and the value given, as an MCP tool's is (text and --json)", async () => {
    await sandbox.writePlan(
      'choices.yaml',
      `goal: g
steps:
  - { id: fetch, tool: http, args: { url: 'http://127.0.0.1:1/x', method: fetch } }
  - { id: apply, tool: k8s_apply, args: { manifests: k8s/, dryRun: all } }
  - { id: count, tool: k8s_apply, args: { manifests: k8s/, dryRun: 3 } }
  - { id: fine, tool: k8s_apply, args: { manifests: k8s/, dryRun: server } }
`,
    );
    const result = await ksa('validate', 'choices.yaml');
    expect(result.code, describeResult(result)).toBe(2);
    expect(nonEmptyLines(result.stdout).slice(1)).toEqual([
      '  choices.yaml:3:75 steps[0].args.method: expected one of "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", got string "fetch" (tool "http")',
      '  choices.yaml:4:68 steps[1].args.dryRun: expected one of "none", "server", "client", got string "all" (tool "k8s_apply")',
      '  choices.yaml:5:68 steps[2].args.dryRun: expected one of "none", "server", "client", got number 3 (tool "k8s_apply")',
    ]);
    const json = await ksa('validate', '--json', 'choices.yaml');
    const doc = JSON.parse(json.stdout) as { issues: { path: string; message: string }[] };
    expect(doc.issues.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: 'steps[0].args.method', message: 'expected one of "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", got string "fetch" (tool "http")' },
      { path: 'steps[1].args.dryRun', message: 'expected one of "none", "server", "client", got string "all" (tool "k8s_apply")' },
      { path: 'steps[2].args.dryRun', message: 'expected one of "none", "server", "client", got number 3 (tool "k8s_apply")' },
    ]);
  });

  it('a YAML syntax error: exit 2, one line with line and column', async () => {
    await sandbox.writePlan('syntax.yaml', 'goal: x\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo" \n  - id: b\n');
    const result = await ksa('validate', 'syntax.yaml');
    expect(result.code, describeResult(result)).toBe(2);
    expect(nonEmptyLines(result.stderr)).toEqual([expect.stringMatching(/^ksa: syntax\.yaml:6:3: YAML syntax error: /)]);
    expectNoStackTrace(result);
  });

  it('two YAML documents in one file: exit 2, the second one\'s line, in words (not the parser\'s API advice)', async () => {
    await sandbox.writePlan('multi.yaml', 'goal: a\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo 1" }\n---\ngoal: b\n');
    const result = await ksa('validate', 'multi.yaml');
    expect(result.code, describeResult(result)).toBe(2);
    expect(nonEmptyLines(result.stderr)).toEqual(['ksa: multi.yaml:6:1: YAML syntax error: the file holds multiple documents (a second "---" starts here); a plan is one document']);
  });

  it('a JSON syntax error in a .json plan: exit 2, one line with line and column', async () => {
    await sandbox.writePlan('syntax.json', '{\n  "goal": "x",\n  "steps": [\n    { "id": "a", "tool": "shell" "args": {} }\n  ]\n}\n');
    const result = await ksa('validate', 'syntax.json');
    expect(result.code, describeResult(result)).toBe(2);
    expect(nonEmptyLines(result.stderr)).toEqual([expect.stringMatching(/^ksa: syntax\.json:4:34: JSON syntax error: /)]);
    expectNoStackTrace(result);
  });

  it('a .json plan: an error Node gives no position for is still located; a key given twice is named with where it was first set', async () => {
    await sandbox.writePlan('unlocated.json', '{"goal": "x", "steps": [}');
    const unlocated = await ksa('validate', 'unlocated.json');
    expect(unlocated.code, describeResult(unlocated)).toBe(2);
    expect(nonEmptyLines(unlocated.stderr)).toEqual([expect.stringMatching(/^ksa: unlocated\.json:1:25: JSON syntax error: /)]);
    await sandbox.writePlan('twice.json', '{\n  "goal": "x",\n  "goal": "y",\n  "steps": []\n}\n');
    const twice = await ksa('validate', 'twice.json');
    expect(twice.code, describeResult(twice)).toBe(2);
    expect(twice.stdout + twice.stderr).toContain('twice.json:3:3 goal: the key "goal" is given twice (first at line 2, column 3); keep one');
  });

  it('a trailing comma in a .json plan: the line and column of the bracket Node stops at, and the comma to remove (text and --json)', async () => {
    await sandbox.writePlan('trailing.json', '{\n  "goal": "x",\n  "steps": [\n    {"id": "a", "tool": "shell", "args": {"command": "true"}},\n  ]\n}\n');
    const text = await ksa('validate', 'trailing.json');
    expect(text.code, describeResult(text)).toBe(2);
    expect(nonEmptyLines(text.stderr)).toEqual([`ksa: trailing.json:5:3: JSON syntax error: Unexpected token ']' (JSON allows no comma before the closing "]": remove the one at 4:62)`]);
    const json = await ksa('validate', 'trailing.json', '--json');
    expect(json.code, describeResult(json)).toBe(2);
    const doc = JSON.parse(json.stdout) as { issues: { code: string; line?: number; column?: number }[] };
    expect(doc.issues).toEqual([expect.objectContaining({ code: 'syntax_error', line: 5, column: 3 })]);
  });

  it('problems in a .json plan are located too', async () => {
    await sandbox.writePlan(
      'bad.json',
      '{\n  "goal": "x",\n  "steps": [\n    { "id": "a", "tool": "shell", "args": { "command": 42 } },\n    { "id": "b", "tool": "shell", "args": { "command": "true" }, "dependsOn": ["aa"] }\n  ]\n}\n',
    );
    const result = await ksa('validate', 'bad.json');
    expect(result.code, describeResult(result)).toBe(2);
    const problems = nonEmptyLines(result.stdout).slice(1);
    expect(problems).toEqual([
      expect.stringMatching(/^ {2}bad\.json:4:\d+ steps\[0\]\.args\.command: expected string/),
      expect.stringMatching(/^ {2}bad\.json:5:\d+ steps\[1\]\.dependsOn\[0\]: unknown step "aa" \(did you mean "a"\?\)$/),
    ]);
  });

  it('a missing file: exit 2, one line', async () => {
    const result = await ksa('validate', 'nope.yaml');
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(nonEmptyLines(result.stderr)).toEqual(['ksa: nope.yaml: no such file']);
    expectNoStackTrace(result);
  });

  it('a file no plan could be (a sparse 100 MB file, /dev/zero, a 70 MB pipe): exit 2, one line, nothing read past the limit', async () => {
    await truncate(await sandbox.writePlan('huge.yaml', ''), 100 * 1024 * 1024);
    const huge = await ksa('validate', 'huge.yaml');
    expect(huge.code, describeResult(huge)).toBe(2);
    expect(nonEmptyLines(huge.stderr)).toEqual(['ksa: huge.yaml: larger than 64 MiB, which no plan is; is it the right file?']);
    const zero = await ksa('validate', '/dev/zero');
    expect(zero.code, describeResult(zero)).toBe(2);
    expect(nonEmptyLines(zero.stderr)).toEqual(['ksa: /dev/zero: larger than 64 MiB, which no plan is; is it the right file?']);
    const piped = await runKsa(['validate', '-'], { home: sandbox.home, cwd: sandbox.dir, stdin: 'a'.repeat(70 * 1024 * 1024) });
    expect(piped.code, describeResult(piped)).toBe(2);
    expect(nonEmptyLines(piped.stderr)).toEqual(['ksa: <stdin>: larger than 64 MiB, which no plan is; is it the right file?']);
  });

  it('an empty file and a comment-only file: exit 2, no stack trace', async () => {
    await sandbox.writePlan('empty.yaml', '');
    await sandbox.writePlan('comment.yaml', '# nothing here yet\n');
    const empty = await ksa('validate', 'empty.yaml');
    expect(empty.code, describeResult(empty)).toBe(2);
    expect(nonEmptyLines(empty.stderr)).toEqual([expect.stringMatching(/^ksa: empty\.yaml: the file is empty/)]);
    const comment = await ksa('validate', 'comment.yaml');
    expect(comment.code, describeResult(comment)).toBe(2);
    expect(comment.stdout).toMatch(/a plan must be an object with "goal" and "steps"/);
    expectNoStackTrace(empty);
    expectNoStackTrace(comment);
  });
});
