import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';
import { formatPlan } from '../../src/tui/plan-lines.js';
import { createStyler } from '../../src/tui/style.js';
import { describer } from '../../src/tui/tool-describer.js';

// The plan card (ksa run, ksa resume, ksa ask, the chat) shows a secret input's value nowhere: neither as the
// input nor where the plan itself writes it (a command, a condition), as a step's output hides it.

const tools = describer(createBuiltinRegistry());

function card(plan: PlanInput): string {
  return formatPlan(PlanSchema.parse(plan), tools, createStyler(false)).join('\n');
}

describe('the plan card and secret inputs', () => {
  it('shows a secret input that is a list or a mapping as ***', () => {
    const text = card({
      goal: 'g',
      inputs: { apiKeys: ['zzkey-998877'], dbCredentials: { user: 'app', password: 's3cr3t-pw-77' }, dbPassword: ['Hunter2pw'], tokens: [], regions: ['eu-west-1'] },
      steps: [{ id: 'a', tool: 'shell', args: { command: 'echo "{{ inputs.apiKeys[0] }}"' } }],
    });
    expect(text).toContain('inputs: apiKeys=***, dbCredentials=***, dbPassword=***, tokens=[], regions=["eu-west-1"]');
    for (const secret of ['zzkey-998877', 's3cr3t-pw-77', 'Hunter2pw']) expect(text).not.toContain(secret);
  });

  it("hides a secret input's value where the plan writes it: goal, name, command, when, rollback; step ids stay whole", () => {
    const text = card({
      goal: 'log in with Hunter22-x',
      inputs: { dbPassword: 'Hunter22-x', dbCredentials: { password: 's3cr3t-pw-77' } },
      steps: [
        { id: 'hunter22-x', name: 'use Hunter22-x', tool: 'shell', args: { command: 'echo mysql -pHunter22-x' }, when: "inputs.dbPassword == 'Hunter22-x'", rollback: { tool: 'shell', args: { command: 'mysql -ps3cr3t-pw-77 -e undo' } } },
        { id: 'check', type: 'condition', when: "inputs.dbCredentials.password == 's3cr3t-pw-77'" },
      ],
    });
    expect(text).not.toContain('Hunter22-x');
    expect(text).not.toContain('s3cr3t-pw-77');
    expect(text).toContain('Plan: log in with ***');
    expect(text).toContain('1. hunter22-x (use ***)');
    expect(text).toContain('shell: echo mysql -p***');
    expect(text).toContain("when: inputs.dbPassword == '***'");
    expect(text).toContain('rollback: shell: mysql -p*** -e undo');
    expect(text).toContain("condition: inputs.dbCredentials.password == '***'");
  });

  it('leaves a step id whole when a secret happens to read the same', () => {
    const text = card({ goal: 'g', inputs: { apiKey: 'deploy-web' }, steps: [{ id: 'deploy-web', tool: 'shell', args: { command: 'echo deploy-web' } }] });
    expect(text).toContain('1. deploy-web');
    expect(text).toContain('shell: echo ***');
  });
});
