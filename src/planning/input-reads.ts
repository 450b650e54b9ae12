import { compileExpression } from './expressions.js';
import { findTemplates } from './templates.js';

/** The inputs a value's `{{ }}` templates read; `any` when one may read any of them. */
export type TemplateInputReads = { readonly names: readonly string[]; readonly any: boolean };

/**
 * What the templates in a value (a step's or a rollback's arguments) read of the inputs, as they are run: by the
 * expression's syntax tree, so a mention outside a template (`echo "rotated inputs.apiKey"`), a CEL string, or a
 * macro's variable named `inputs` reads none, and a read broken over lines still counts. One that reads by a
 * computed key (`inputs[name]`), takes `inputs` whole, or does not compile may read any.
 */
export function templateInputReads(value: unknown): TemplateInputReads {
  const names = new Set<string>();
  for (const site of findTemplates(value)) {
    const compiled = compileExpression(site.source);
    if (!compiled.ok || compiled.expression.references.anyInput) return { names: [...names], any: true };
    for (const name of compiled.expression.references.inputs) names.add(name);
  }
  return { names: [...names], any: false };
}
