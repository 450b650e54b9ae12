import { describe, expect, it } from 'vitest';
import { templateInputReads } from '../../src/planning/index.js';

// What a step's (or a rollback's) arguments read of the inputs, as their templates are run.

const readsOf = (command: string) => templateInputReads({ command, env: { FIXED: 'x' } });

describe('templateInputReads', () => {
  it('reads what the templates read, each name whole, a read broken over lines included', () => {
    expect(readsOf('echo {{ inputs.apiKeyName }}')).toEqual({ names: ['apiKeyName'], any: false });
    expect(readsOf("echo {{ inputs['apiKey'] }} {{ has(inputs.user) ? inputs.user : '' }}")).toEqual({ names: ['apiKey', 'user'], any: false });
    expect(readsOf('echo {{ inputs\n  .apiKey }}')).toEqual({ names: ['apiKey'], any: false });
    expect(templateInputReads({ command: 'x', env: { TOKEN: '{{ inputs . apiKey }}' } })).toEqual({ names: ['apiKey'], any: false });
  });

  it('a mention outside a template, in a CEL string, or of a macro variable named inputs reads nothing', () => {
    expect(readsOf('echo "rotated inputs.apiKey"')).toEqual({ names: [], any: false });
    expect(readsOf('docker inspect -f \'\\{{ inputs.apiKey }}\'')).toEqual({ names: [], any: false });
    expect(readsOf('echo {{ "inputs.apiKey" }}')).toEqual({ names: [], any: false });
    expect(readsOf('echo {{ [{"apiKey": 1}].map(inputs, inputs.apiKey) }}')).toEqual({ names: [], any: false });
  });

  it('a computed key, inputs taken whole, or a template that does not compile may read any', () => {
    expect(readsOf('echo {{ inputs[inputs.which] }}').any).toBe(true);
    expect(readsOf("echo {{ inputs['api' + 'Key'] }}").any).toBe(true);
    expect(readsOf('echo {{ string(inputs) }}').any).toBe(true);
    expect(readsOf('echo {{ "apiKey" in inputs }}').any).toBe(true);
    expect(readsOf('echo {{ inputs.( }}').any).toBe(true);
  });
});
