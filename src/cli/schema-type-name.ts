export type JsonSchema = {
  type?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
};

/**
 * A JSON Schema as a short TypeScript-like type for `ksa tools`: what a plan
 * author needs to write the argument. MCP servers write their schemas every
 * way JSON Schema allows (`oneOf`, `const`, `type: ["string", "null"]`,
 * `$ref`), and "any" for those would hide what they accept.
 */
export function schemaTypeName(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map(schemaTypeName).join(' | ');
  if (schema.allOf) return schema.allOf.map(schemaTypeName).join(' & ');
  if (schema.$ref) return schema.$ref.split('/').at(-1) || 'any';
  if (Array.isArray(schema.type)) return schema.type.map((type) => schemaTypeName({ ...schema, type })).join(' | ');
  if (schema.type === 'array') return `${schema.items ? parenthesized(schemaTypeName(schema.items)) : 'any'}[]`;
  if (typeof schema.type === 'string') return schema.type === 'object' && !schema.properties ? 'object' : schema.type;
  // A schema without a type that still lists properties is an object.
  if (schema.properties) return 'object';
  return 'any';
}

function parenthesized(type: string): string {
  return / [|&] /.test(type) ? `(${type})` : type;
}
