import {
  compileExpression,
  evaluateExpression,
  ExpressionEvaluationError,
  type CompiledExpression,
  type ExpressionContext,
} from './expressions.js';

/**
 * `{{ expr }}` templates inside step arguments and prompts. A string that is
 * exactly one template takes the expression's typed value; any other string
 * is interpolated as text.
 */

export type TemplateSite = { readonly path: (string | number)[]; readonly source: string };

export type CompiledTemplate =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'expression'; readonly expression: CompiledExpression }
  | { readonly kind: 'text'; readonly parts: readonly (string | CompiledExpression)[] }
  | { readonly kind: 'array'; readonly items: readonly CompiledTemplate[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, CompiledTemplate])[] };

// `\{{` is a literal `{{`, e.g. for Go templates: `docker inspect -f '\{{.State.Status}}'`.
// A quoted CEL string may hold `}}` (`{{ 'a}}b' }}`); a quote that is never closed is still taken,
// so the expression is reported as not compiling rather than the template going unseen.
// Each quote is read one way only (a string, or a quote with no closing one after it on its line), so
// a text with many quotes and no `}}` costs no backtracking.
export const TEMPLATE = /(?<!\\)\{\{((?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|'(?!(?:[^'\\\n]|\\.)*')|"(?!(?:[^"\\\n]|\\.)*")|[^'"])*?)\}\}/g;
const OPEN = /(?<!\\)\{\{/;
const ESCAPED = /\\\{\{/g;

export function hasTemplate(value: string): boolean {
  return value.includes('{{') && OPEN.test(value);
}

function unescape(text: string): string {
  return text.includes('\\{{') ? text.replace(ESCAPED, '{{') : text;
}

/** Every `{{ }}` in a value, with the path of the string that holds it. */
export function findTemplates(value: unknown, path: readonly (string | number)[] = []): TemplateSite[] {
  const sites: TemplateSite[] = [];
  forEachTemplated(value, path, (text, where) => {
    for (const match of text.matchAll(TEMPLATE)) sites.push({ path: where, source: (match[1] ?? '').trim() });
  });
  return sites;
}

/** The paths of the strings in a value with a `{{` that no `}}` closes (`--replicas={{ inputs.replicas`). */
export function findUnclosedTemplates(value: unknown, path: readonly (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [];
  forEachTemplated(value, path, (text, where) => {
    // A space in place of each template, so that `{` and `{` on both sides of one do not meet.
    if (OPEN.test(text.replace(TEMPLATE, ' '))) paths.push(where);
  });
  return paths;
}

function forEachTemplated(value: unknown, path: readonly (string | number)[], visit: (text: string, path: (string | number)[]) => void): void {
  if (!containsTemplate(value)) return;
  // One path grows and shrinks with the walk and is copied only where a template is: most arguments have none.
  const at = [...path];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') {
      if (hasTemplate(node)) visit(node, [...at]);
    } else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        at.push(i);
        walk(node[i]);
        at.pop();
      }
    } else if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        at.push(key);
        walk((node as Record<string, unknown>)[key]);
        at.pop();
      }
    }
  };
  walk(value);
}

/** Whether a value holds a `{{ }}` anywhere: a walk without allocations, since most arguments have none. */
export function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return hasTemplate(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (containsTemplate(value[i])) return true;
    return false;
  }
  if (value !== null && typeof value === 'object') {
    for (const key in value) if (Object.hasOwn(value, key) && containsTemplate((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** True when the string at this value is (or contains) a template, so its type is only known at run time. */
export function isTemplated(value: unknown): boolean {
  return typeof value === 'string' && hasTemplate(value);
}

/** Compiles templates once; expressions must already be known to compile (validation checked them). */
export function compileTemplate(value: unknown): CompiledTemplate {
  if (typeof value === 'string') {
    if (!hasTemplate(value)) return { kind: 'literal', value: unescape(value) };
    const matches = [...value.matchAll(TEMPLATE)];
    const [only] = matches;
    if (matches.length === 1 && only && only.index === 0 && only[0].length === value.length) {
      return { kind: 'expression', expression: mustCompile(only[1] ?? '') };
    }
    const parts: (string | CompiledExpression)[] = [];
    let last = 0;
    for (const match of matches) {
      if (match.index > last) parts.push(unescape(value.slice(last, match.index)));
      parts.push(mustCompile(match[1] ?? ''));
      last = match.index + match[0].length;
    }
    if (last < value.length) parts.push(unescape(value.slice(last)));
    return { kind: 'text', parts };
  }
  if (Array.isArray(value)) {
    const items = value.map(compileTemplate);
    if (!items.every((item) => item.kind === 'literal')) return { kind: 'array', items };
    const values = items.map((item) => (item as { value: unknown }).value);
    // Unchanged literals keep their identity: no copies of big argument objects.
    return { kind: 'literal', value: values.every((item, i) => item === value[i]) ? value : values };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, compileTemplate(item)] as const);
    if (!entries.every(([, item]) => item.kind === 'literal')) return { kind: 'object', entries };
    const original = value as Record<string, unknown>;
    if (entries.every(([key, item]) => (item as { value: unknown }).value === original[key])) return { kind: 'literal', value };
    return { kind: 'literal', value: Object.fromEntries(entries.map(([key, item]) => [key, (item as { value: unknown }).value])) };
  }
  return { kind: 'literal', value };
}

export function renderTemplate(template: CompiledTemplate, context: ExpressionContext): unknown {
  switch (template.kind) {
    case 'literal':
      return template.value;
    case 'expression':
      return evaluateExpression(template.expression, context);
    case 'text':
      return template.parts
        .map((part) => (typeof part === 'string' ? part : toText(evaluateExpression(part, context))))
        .join('');
    case 'array':
      return template.items.map((item, i) => renderWithin(i, item, context));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of template.entries) out[key] = renderWithin(key, item, context);
      return out;
    }
  }
}

/** An item's or an entry's value, an expression failing in it saying where it is (`command`, `[0]`). */
function renderWithin(key: string | number, template: CompiledTemplate, context: ExpressionContext): unknown {
  try {
    return renderTemplate(template, context);
  } catch (error) {
    throw error instanceof ExpressionEvaluationError ? error.within(key) : error;
  }
}

/** The expressions inside a compiled template, in order. */
export function templateExpressions(template: CompiledTemplate, into: CompiledExpression[] = []): CompiledExpression[] {
  switch (template.kind) {
    case 'literal':
      break;
    case 'expression':
      into.push(template.expression);
      break;
    case 'text':
      for (const part of template.parts) if (typeof part !== 'string') into.push(part);
      break;
    case 'array':
      for (const item of template.items) templateExpressions(item, into);
      break;
    case 'object':
      for (const [, item] of template.entries) templateExpressions(item, into);
      break;
  }
  return into;
}

/** Step ids a compiled template reads. */
export function templateStepReferences(template: CompiledTemplate, into: Set<string> = new Set()): Set<string> {
  for (const expression of templateExpressions(template)) for (const id of expression.references.steps) into.add(id);
  return into;
}

/** How a value reads inside text: strings as is, everything else as JSON. */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

function mustCompile(source: string): CompiledExpression {
  const result = compileExpression(source.trim());
  if (!result.ok) throw new Error(`template "{{${source}}}" does not compile: ${result.message}`);
  return result.expression;
}
