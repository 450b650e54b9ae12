import { describe, expect, it } from 'vitest';
import { plannerInstructions } from '../../src/agent/prompts.js';
import { tools } from '../helpers/agent-fixtures.js';

describe('the planner prompt describes the tool list it gives', () => {
  it('the full list promises the levels, and gives them', async () => {
    const prompt = await plannerInstructions(tools, 10);
    expect(prompt).toContain('with the levels a step that calls each can get');
    expect(prompt).toMatch(/- shell \(steps: [^)]+\):/);
  });

  it('the short list after a context-length retry gives no levels, and its header promises none', async () => {
    const prompt = await plannerInstructions(tools, 10, { compact: true });
    expect(prompt).toMatch(/- shell\(command[^)]*\): /);
    expect(prompt).not.toContain('(steps:');
    expect(prompt).not.toMatch(/levels/i);
    expect(prompt).toContain('Tools (name, arguments with ? when optional, and what each does):');
  });
});
