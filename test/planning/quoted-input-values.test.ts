import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/planning/validate.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';

// What validation says about an input's value keeps its secrets as the plan card does.

const tools = createBuiltinRegistry().catalog();
const said = (inputs: Record<string, unknown>, when: string, given: Record<string, unknown> = {}) => {
  const result = validatePlan({ goal: 'Deploy', inputs, steps: [{ id: 'deploy', tool: 'shell', when, args: { command: 'echo deploy' } }] }, { tools, inputs: given });
  return result.ok ? result.warnings.map(({ message }) => message) : result.issues.map(({ message }) => message);
};
const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

describe('a value quoted by a refusal or warning about an input', () => {
  it('is not shown for a field that names a secret, nor is a value holding one', () => {
    for (const given of [{}, { db: { port: 5432, password: '1357924' } }]) {
      const messages = said({ db: { port: '5432', password: '1357924' } }, 'inputs.db.password > 1', given);
      expect(messages).toEqual([expect.stringContaining('input db holds text at db["password"] (')]);
      expect(messages.join('\n')).not.toContain('1357924');
    }
    const other = said({ db: { port: '5432', password: '1357924' } }, 'inputs.db.port > 1');
    expect(other).toEqual([expect.stringContaining('(the plan\'s default "5432")')]);
    expect(other.join('\n')).not.toContain('1357924');
  });

  it('is not shown when it has a credential\'s shape, whatever the input is named', () => {
    for (const when of ['inputs.ref > 2', 'inputs.ref == 3', 'inputs.refs.all(r, r > 2)']) {
      const messages = said({ ref: 'main', refs: ['main'] }, when, { ref: TOKEN, refs: [TOKEN] });
      expect(messages, when).toEqual([expect.stringMatching(/given with --input\)/)]);
      expect(messages.join('\n'), when).not.toContain('ghp_');
    }
    expect(said({ ref: 'main' }, 'inputs.ref == 3', { ref: 'v3' })).toEqual([expect.stringContaining('(given with --input "v3")')]);
  });
});
