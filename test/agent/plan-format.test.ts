import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPlanAs, planToJson, planToMermaid, planToYaml } from '../../src/agent/index.js';
import { parsePlanText } from '../../src/cli/plan-file.js';
import { planFromYaml } from '../../src/agent/plan-format.js';
import { PlanYamlError } from '../../src/agent/plan-yaml-error.js';
import { validatePlan, type Plan, type PlanInput } from '../../src/planning/index.js';
import { parsed, tools } from '../helpers/agent-fixtures.js';

// `ksa plan --format yaml` / `-o` output must be accepted by `ksa run` as is:
// the same parser (parsePlanText) and validator (validatePlan with the
// built-in tools) must give back exactly the plan.

const RICH = {
  goal: 'Deploy: the "shop" app # not a comment',
  inputs: { port: 8080, host: 'localhost', flags: ['--prod'], version: '1.10', answer: 'yes', empty: '' },
  maxParallel: 3,
  steps: [
    { id: 'install', name: 'Install: deps', tool: 'shell', args: { command: 'npm ci --no-audit && echo "ok: done" # trailing', cwd: 'shop' }, retry: { maxAttempts: 3, initialDelayMs: 100 } },
    { id: 'lint', tool: 'shell', args: { command: "echo 'single' \"double\" `tick` $HOME \\back\\slash" }, dependsOn: ['install'] },
    { id: 'test', tool: 'shell', args: { command: 'npm test\nnpm run e2e\n' }, dependsOn: ['install'], timeoutMs: 60_000 },
    { id: 'check', type: 'condition', when: 'steps.test.output.exitCode == 0 && inputs.port > 1000', dependsOn: ['test'] },
    {
      id: 'start',
      tool: 'shell',
      args: { command: 'nohup npm start -- --port {{ inputs.port }} > server.log 2>&1 &' },
      dependsOn: ['lint', 'check'],
      when: 'steps.check.output.value',
      rollback: { tool: 'shell', args: { command: 'pkill -f "npm start"' }, timeoutMs: 5000 },
    },
    { id: 'health', tool: 'http', args: { url: 'http://{{ inputs.host }}:{{ inputs.port }}/health', expectStatus: 200 }, dependsOn: ['start'], retry: { maxAttempts: 10, initialDelayMs: 500 } },
    { id: 'k8s', tool: 'kubectl', args: { args: ['apply', '-f', 'k8s/', '--dry-run=client'] }, dependsOn: ['health'] },
    { id: 'summary', type: 'llm_query', prompt: 'Summarise: {{ steps.health.output.status }} — ✓ ünïcödé', dependsOn: ['health'] },
  ],
} satisfies PlanInput;

/** What `ksa run` does with a file: parse it as `name`, validate it with the built-in tools. */
function reload(text: string, name: string): Plan {
  const file = parsePlanText(text, name, `/tmp/${name}`);
  const result = validatePlan(file.document, { tools: tools.catalog() });
  if (!result.ok) throw new Error(`not valid: ${JSON.stringify(result.issues)}`);
  return result.plan;
}

describe('planToYaml', () => {
  it('round-trips a plan with every kind of step and tricky strings through the CLI parser and validator', () => {
    const plan = parsed(RICH);
    const yaml = planToYaml(plan);
    expect(reload(yaml, 'plan.yaml')).toEqual(plan);
  });

  it('starts with the schema hint and reads like a hand-written file (no empty dependsOn or inputs)', () => {
    const yaml = planToYaml(parsed({ goal: 'One step', steps: [{ id: 'hello', tool: 'shell', args: { command: 'echo hi' } }] }));
    expect(yaml.split('\n')[0]).toBe('# yaml-language-server: $schema=https://kubestack.ai/schemas/plan.json');
    expect(yaml).not.toContain('dependsOn');
    expect(yaml).not.toContain('inputs');
    expect(yaml).not.toContain('maxParallel');
    expect(yaml).toContain('goal: One step');
  });

  it('keeps long commands on one line (no folding that could change them)', () => {
    const command = `echo ${'x'.repeat(300)}`;
    const yaml = planToYaml(parsed({ goal: 'g', steps: [{ id: 'a', tool: 'shell', args: { command } }] }));
    expect(yaml).toContain(`command: ${command}`);
  });

  it('any goal, command and input text survives the round trip (property)', () => {
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((value) => !value.includes('{{') && !value.includes('}}'));
    fc.assert(
      fc.property(text, text, text, (goal, command, input) => {
        fc.pre(goal.trim().length > 0);
        const plan = parsed({ goal, inputs: { value: input }, steps: [{ id: 'a', tool: 'shell', args: { command } }] });
        expect(reload(planToYaml(plan), 'plan.yaml')).toEqual(plan);
        expect(reload(planToJson(plan), 'plan.json')).toEqual(plan);
      }),
      { numRuns: 200, seed: 32 },
    );
  });
});

describe('planToJson', () => {
  it('round-trips through the CLI parser as a .json file', () => {
    const plan = parsed(RICH);
    const text = planToJson(plan);
    expect(text.endsWith('\n')).toBe(true);
    expect(reload(text, 'plan.json')).toEqual(plan);
    expect(JSON.parse(text).steps[0]).not.toHaveProperty('dependsOn');
  });
});

describe('planToMermaid', () => {
  it('a flowchart with one node per step (conditions as diamonds), labelled with the id, and one edge per dependency', () => {
    const plan = parsed(RICH);
    const text = planToMermaid(plan);
    const lines = text.trimEnd().split('\n');
    const node = (id: string) => `s${plan.steps.findIndex((step) => step.id === id)}`;
    expect(lines[0]).toBe('flowchart TD');
    expect(lines).toContain(`  ${node('install')}["install<br/>shell"]`);
    expect(lines).toContain(`  ${node('check')}{"check<br/>condition"}`);
    expect(lines).toContain(`  ${node('summary')}["summary<br/>llm_query"]`);
    expect(lines).toContain(`  ${node('k8s')}["k8s<br/>kubectl"]`);
    const edges = lines.filter((line) => line.includes('-->'));
    expect(edges).toHaveLength(RICH.steps.reduce((n, step) => n + (step.dependsOn?.length ?? 0), 0));
    expect(edges).toContain(`  ${node('install')} --> ${node('lint')}`);
    expect(edges).toContain(`  ${node('check')} --> ${node('start')}`);
  });

  it('ids with "-" keep their name in the label and valid node names', () => {
    const text = planToMermaid(parsed({ goal: 'g', steps: [{ id: 'deploy-web', tool: 'shell', args: { command: 'x' } }, { id: 'smoke-test', tool: 'shell', args: { command: 'y' }, dependsOn: ['deploy-web'] }] }));
    expect(text).toContain('  s0["deploy-web<br/>shell"]');
    expect(text).toContain('  s0 --> s1');
  });

  it('steps whose ids differ only by "-" and "_" stay distinct nodes', () => {
    const text = planToMermaid(parsed({ goal: 'g', steps: [{ id: 'deploy-web', tool: 'shell', args: { command: 'x' } }, { id: 'deploy_web', tool: 'shell', args: { command: 'y' } }] }));
    const nodes = text.split('\n').filter((line) => line.includes('["'));
    const names = nodes.map((line) => line.trim().split('[')[0]);
    expect(new Set(names).size).toBe(2);
  });
});

describe('formatPlanAs', () => {
  it('dispatches on the format; yaml is the default of the CLI', () => {
    const plan = parsed(RICH);
    expect(formatPlanAs(plan, 'yaml')).toBe(planToYaml(plan));
    expect(formatPlanAs(plan, 'json')).toBe(planToJson(plan));
    expect(formatPlanAs(plan, 'mermaid')).toBe(planToMermaid(plan));
  });
});

describe('planFromYaml (a plan edited in the chat)', () => {
  it('refuses what YAML reads otherwise than written, as a plan file is refused: a tag that drops a "!", an unquoted template', () => {
    const edited = 'goal: g\ninputs: { dryRun: true }\nsteps:\n  - id: deploy\n    when: ! inputs.dryRun\n    tool: shell\n    args: { command: "{{ inputs.x }}" }\n  - id: b\n    tool: shell\n    args:\n      command: {{ inputs.port }}\n';
    let error: unknown;
    try {
      planFromYaml(edited);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlanYamlError);
    expect((error as PlanYamlError).lines).toEqual([
      'line 5, column 11: a YAML tag ("!") — quote the value: when: "! inputs.dryRun"',
      '      when: ! inputs.dryRun',
      '            ^',
      'line 11, column 16: a template must be quoted in YAML: command: "{{ inputs.port }}"',
      '        command: {{ inputs.port }}',
      '                 ^',
    ]);
  });

  it('refuses a number written with a leading zero, which YAML 1.1 tools read otherwise, and takes 0, 0.5, 03, 00.5 and a quoted "017"', () => {
    const lines = (text: string) => {
      try {
        planFromYaml(text);
      } catch (error) {
        return (error as PlanYamlError).lines.filter((line) => line.startsWith('line '));
      }
      return [];
    };
    const edited = (port: string, timeout: string) => `goal: g\ninputs: { port: ${port} }\nsteps:\n  - id: a\n    tool: shell\n    timeoutMs: ${timeout}\n    args: { command: echo }\n`;
    expect(lines(edited('017', '-09'))).toEqual([
      'line 2, column 17: 017 is a number written with a leading zero, which ksa reads as 17 and YAML 1.1 tools as octal 15: write 17, or quote it ("017") to pass it as text',
      'line 6, column 16: -09 is a number written with a leading zero, which ksa reads as -9 and YAML 1.1 tools as text: write -9',
    ]);
    expect(lines(edited('+0017', '0900'))).toEqual([
      'line 2, column 17: +0017 is a number written with a leading zero, which ksa reads as 17 and YAML 1.1 tools as octal 15: write 17, or quote it ("+0017") to pass it as text',
      'line 6, column 16: 0900 is a number written with a leading zero, which ksa reads as 900 and YAML 1.1 tools as text: write 900',
    ]);
    // Read the same by both: 03 is 3 as octal too.
    for (const [port, timeout] of [['03', '00.5'], ['-007', '000'], ['0', '0.5'], ['"017"', '-0'], ["'00'", '0e3'], ['10', '100']] as const) expect(lines(edited(port, timeout)), `${port} ${timeout}`).toEqual([]);
    expect(planFromYaml(edited('"017"', '1000'))).toMatchObject({ inputs: { port: '017' } });
  });

  it('refuses a key written with a leading zero and a %YAML 1.1 directive, which would turn the checks off', () => {
    const lines = (text: string) => {
      try {
        planFromYaml(text);
      } catch (error) {
        return (error as PlanYamlError).lines.filter((line) => line.startsWith('line '));
      }
      return [];
    };
    const edited = 'goal: g\ninputs: { 017: 5, port: 017 }\nsteps:\n  - id: a\n    tool: shell\n    args: { command: echo, env: { 0900: x } }\n';
    expect(lines(edited)).toEqual([
      'line 2, column 11: the key 017 is a number written with a leading zero, which ksa reads as 17 and YAML 1.1 tools as octal 15: quote it ("017") to keep it as written',
      'line 2, column 25: 017 is a number written with a leading zero, which ksa reads as 17 and YAML 1.1 tools as octal 15: write 17, or quote it ("017") to pass it as text',
      'line 6, column 35: the key 0900 is a number written with a leading zero, which ksa reads as 900 and YAML 1.1 tools as text: quote it ("0900") to keep it as written',
    ]);
    expect(lines(`%YAML 1.1\n---\n${edited}`)).toEqual([
      'line 1, column 1: the %YAML 1.1 directive asks for another YAML than ksa reads (1.2 only: YAML 1.1 reads yes as true, 1:30 as 90 and 017 as octal 15); remove the line',
    ]);
    expect(planFromYaml('%YAML 1.2\n---\ngoal: g\ninputs: { "017": yes, at: 1:30 }\nsteps: []\n')).toMatchObject({ inputs: { '017': 'yes', at: '1:30' } });
  });

  it('checks an edit saved with a byte-order mark as one without: its %YAML directive, its keys at their lines', () => {
    const lines = (text: string) => {
      try {
        planFromYaml(text);
      } catch (error) {
        return (error as PlanYamlError).lines.filter((line) => line.startsWith('line '));
      }
      return [];
    };
    expect(lines('\uFEFF%YAML 1.1\n---\ngoal: yes\ninputs: { t: 1:30 }\nsteps: []\n')).toEqual([
      'line 1, column 1: the %YAML 1.1 directive asks for another YAML than ksa reads (1.2 only: YAML 1.1 reads yes as true, 1:30 as 90 and 017 as octal 15); remove the line',
    ]);
    expect(lines('\uFEFFgoal: g\ninputs: { m: { 017: a } }\nsteps: []\n')).toEqual([
      'line 2, column 16: the key 017 is a number written with a leading zero, which ksa reads as 17 and YAML 1.1 tools as octal 15: quote it ("017") to keep it as written',
    ]);
  });

  it('refuses a second %YAML directive for one document, whichever version either asks for, at its line', () => {
    const problem = (text: string) => {
      try {
        planFromYaml(text);
      } catch (error) {
        return (error as PlanYamlError).lines.filter((line) => line.startsWith('line '));
      }
      return [];
    };
    const plan = '---\ngoal: Deploy at 1:30\ninputs: { window: 1:30 }\nsteps: []\n';
    expect(problem(`%YAML 1.2\n%YAML 1.1\n${plan}`)).toEqual(['line 2, column 1: a second %YAML directive for one document (the first is on line 1), which YAML forbids; remove the line']);
    expect(problem(`%YAML 1.2\r\n# why\r\n%YAML 1.2\r\n${plan}`)).toEqual(['line 3, column 1: a second %YAML directive for one document (the first is on line 1), which YAML forbids; remove the line']);
    expect(problem(`%YAML 1.1\n%YAML 1.2\n${plan}`)[0]).toContain('line 1, column 1: the %YAML 1.1 directive');
    expect(problem(`%YAML 1.2\n${plan}`)).toEqual([]);
    // A "%YAML" line inside a block scalar is text, not a directive.
    expect(planFromYaml('%YAML 1.2\n---\ngoal: |\n  %YAML 1.1\nsteps: []\n')).toMatchObject({ goal: '%YAML 1.1\n' });
  });

  it('refuses a key written as a number whose text YAML changes (1.10 is "1.1", 1e3 "1000", +5 "5", .5 "0.5"), at its line', () => {
    const lines = (keys: string) => {
      try {
        planFromYaml(`goal: g\ninputs:\n  versions: {${keys}}\nsteps: []\n`);
      } catch (error) {
        return (error as PlanYamlError).lines.filter((line) => line.startsWith('line '));
      }
      return [];
    };
    expect(lines('1.10: stable, 1.5: ok, 1e3: big')).toEqual([
      'line 3, column 14: the key 1.10 is a number, which YAML reads as the key "1.1": quote it ("1.10") to keep it as written',
      'line 3, column 37: the key 1e3 is a number, which YAML reads as the key "1000": quote it ("1e3") to keep it as written',
    ]);
    expect(lines('+5: plus, .5: half, -1: neg')).toEqual([
      'line 3, column 14: the key +5 is a number, which YAML reads as the key "5": quote it ("+5") to keep it as written',
      'line 3, column 24: the key .5 is a number, which YAML reads as the key "0.5": quote it (".5") to keep it as written',
    ]);
    expect(planFromYaml('goal: g\ninputs:\n  versions: {1.5: ok, -1: neg, 0: zero, "1.10": quoted}\nsteps: []\n')).toMatchObject({ inputs: { versions: { '1.5': 'ok', '-1': 'neg', '0': 'zero', '1.10': 'quoted' } } });
  });

  it('reads a plan whose "!" is quoted as the negation it is', () => {
    expect(planFromYaml('goal: g\nsteps:\n  - id: a\n    when: "! inputs.dryRun"\n    tool: shell\n    args: { command: echo }\n')).toMatchObject({ steps: [{ when: '! inputs.dryRun' }] });
  });
});
