import type { Step } from '../planning/index.js';

/**
 * A step's command line as `ksa run` shows it, without the program name: what a policy
 * rule's glob matches. kubectl `get pods -n prod`, shell `npm test`, http `GET https://x/y`.
 */
export function commandLineOf(step: Step): string {
  if (step.type === 'llm_query') return step.prompt;
  if (step.type === 'condition') return step.when;
  return callLineOf(step.tool, step.args);
}

/** The same for a bare tool call (e.g. a rollback action). */
export function callLineOf(tool: string, args: Readonly<Record<string, unknown>>): string {
  switch (tool) {
    case 'shell':
      return typeof args.command === 'string' ? args.command : JSON.stringify(args.command ?? '');
    case 'http':
      return `${typeof args.method === 'string' ? args.method.toUpperCase() : 'GET'} ${String(args.url ?? '')}`;
    case 'read_file':
    case 'write_file':
      return String(args.path ?? '');
    case 'sleep':
      return String(args.ms ?? '');
  }
  if (Array.isArray(args.args)) return args.args.map((arg) => quoteArg(typeof arg === 'string' ? arg : JSON.stringify(arg) ?? '')).join(' ');
  return JSON.stringify(args);
}

/** Shell-style quoting for display, the same as the argv tools' own rendering. */
export function quoteArg(arg: string): string {
  if (arg !== '' && /^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
