import { describe, expect, it } from 'vitest';
import { schemaTypeName } from '../../src/cli/schema-type-name.js';

describe('schemaTypeName', () => {
  it('shows the usual types, enums and arrays', () => {
    expect(schemaTypeName({ type: 'string' })).toBe('string');
    expect(schemaTypeName({ enum: ['a', 1] })).toBe('"a" | 1');
    expect(schemaTypeName({ type: 'array', items: { type: 'number' } })).toBe('number[]');
    expect(schemaTypeName({ type: 'object' })).toBe('object');
  });

  it('shows what MCP servers write beyond that, instead of "any"', () => {
    expect(schemaTypeName({ oneOf: [{ type: 'string' }, { type: 'integer' }] })).toBe('string | integer');
    expect(schemaTypeName({ const: 'fast' })).toBe('"fast"');
    expect(schemaTypeName({ type: ['string', 'null'] })).toBe('string | null');
    expect(schemaTypeName({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } })).toBe('(string | number)[]');
    expect(schemaTypeName({ $ref: '#/$defs/Target' })).toBe('Target');
    expect(schemaTypeName({ allOf: [{ $ref: '#/definitions/Base' }, { type: 'object' }] })).toBe('Base & object');
    expect(schemaTypeName({ properties: { a: { type: 'string' } } })).toBe('object');
    expect(schemaTypeName({})).toBe('any');
  });
});
