import { describe, expect, it } from 'vitest';
import { compileTemplate, findTemplates, renderTemplate } from '../../src/planning/index.js';

const context = { steps: {}, inputs: { name: 'web' }, env: {} };

describe('escaped templates', () => {
  it('\\{{ is a literal {{, for Go templates in kubectl and docker arguments', () => {
    const value = "docker inspect -f '\\{{.State.Status}}' {{ inputs.name }}";
    expect(findTemplates(value).map((site) => site.source)).toEqual(['inputs.name']);
    expect(renderTemplate(compileTemplate(value), context)).toBe("docker inspect -f '{{.State.Status}}' web");
  });

  it('a string with only escaped braces is a literal without the backslash', () => {
    expect(findTemplates('-o go-template=\\{{.metadata.name}}')).toEqual([]);
    expect(renderTemplate(compileTemplate(['-o', 'go-template=\\{{.metadata.name}}']), context)).toEqual(['-o', 'go-template={{.metadata.name}}']);
  });
});
