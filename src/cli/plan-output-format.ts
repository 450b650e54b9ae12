import path from 'node:path';
import type { PlanFormat } from '../agent/index.js';
import { CliError } from './errors.js';

const FORMATS: readonly PlanFormat[] = ['yaml', 'json', 'mermaid'];

/** What a file name says it holds: ksa run reads .json as strict JSON, .yaml/.yml as YAML. */
function formatOfName(file: string): PlanFormat | undefined {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  if (extension === '.mmd' || extension === '.mermaid') return 'mermaid';
  return undefined;
}

/**
 * The format `ksa plan` writes, from --format, --json and the -o file's name, checked
 * before the model is asked. Without --format a -o name chooses (plan.json gets JSON);
 * a --format the name contradicts in a way ksa run or a diagram viewer would trip on
 * is a usage error.
 */
export function planOutputFormat(flags: { readonly format?: string; readonly json?: boolean; readonly output?: string }): PlanFormat {
  const given = flags.format;
  if (given !== undefined && !FORMATS.includes(given as PlanFormat)) throw new CliError({ message: `--format must be yaml, json or mermaid, got "${given}"` });
  if (given !== undefined && flags.json) throw new CliError({ message: `--json and --format ${given} cannot be used together: --json prints a report around the plan; for the plan alone use --format` });
  const named = flags.output === undefined ? undefined : formatOfName(flags.output);
  const format = (given as PlanFormat | undefined) ?? named ?? 'yaml';
  if (flags.json || named === undefined || named === format) return format;
  // JSON is YAML: a .yaml file holding JSON still runs.
  if (named === 'yaml' && format === 'json') return format;
  const why =
    named === 'mermaid'
      ? 'the name says it is a diagram'
      : format === 'mermaid'
        ? `a diagram is not a plan, and ksa run would read a .${path.extname(flags.output!).slice(1)} file as one`
        : 'ksa run reads a .json file as JSON';
  throw new CliError({ message: `-o ${flags.output} with --format ${format}: ${why}; use --format ${named}, or a file name ending in ${extensionFor(format)}` });
}

function extensionFor(format: PlanFormat): string {
  return format === 'mermaid' ? '.mmd' : format === 'json' ? '.json' : '.yaml';
}
