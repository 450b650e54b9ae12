import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { IssuePath } from '../planning/index.js';
import { CliError } from './errors.js';

/** A plan document read from disk, with what is needed to point at a line. */
export type PlanFile = {
  readonly path: string;
  /** As given on the command line, for messages. */
  readonly displayPath: string;
  readonly document: unknown;
  /** line:column (1-based) of the value at a path, or of its nearest existing parent. */
  locate(path: IssuePath): { line: number; column: number } | undefined;
};

export async function readPlanFile(file: string): Promise<PlanFile> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError({ message: `${file}: no such file` });
    if (code === 'EISDIR') throw new CliError({ message: `${file}: is a directory, expected a plan file (.yaml or .json)` });
    if (code === 'EACCES') throw new CliError({ message: `${file}: permission denied` });
    throw new CliError({ message: `${file}: cannot read: ${(error as Error).message}` });
  }
  return parsePlanText(text, file, absolute);
}

export function parsePlanText(raw: string, displayPath: string, absolute = path.resolve(displayPath)): PlanFile {
  // Some editors start UTF-8 files with a byte order mark; JSON.parse rejects it.
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  if (text.trim() === '') throw new CliError({ message: `${displayPath}: the file is empty; a plan needs "goal" and "steps"` });
  const lineCounter = new LineCounter();
  if (absolute.endsWith('.json')) strictJson(text, displayPath);
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const [first] = doc.errors;
  if (first) {
    const where = first.linePos?.[0];
    const at = where ? `:${where.line}:${where.col}` : '';
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more)` : '';
    throw new CliError({
      message: `${displayPath}${at}: YAML syntax error: ${firstLine(first.message)}${more}`,
      location: where ? { line: where.line, column: where.col } : undefined,
    });
  }
  return {
    path: absolute,
    displayPath,
    document: doc.toJS({ maxAliasCount: 100 }),
    locate: (issuePath) => locate(doc, lineCounter, issuePath),
  };
}

function strictJson(text: string, displayPath: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    let location: { line: number; column: number } | undefined;
    if (position) {
      const before = text.slice(0, Number(position[1])).split('\n');
      location = { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
    }
    const at = location ? `:${location.line}:${location.column}` : '';
    throw new CliError({
      message: `${displayPath}${at}: JSON syntax error: ${message.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)/, '')}`,
      location,
    });
  }
}

function locate(doc: Document, lineCounter: LineCounter, issuePath: IssuePath): { line: number; column: number } | undefined {
  for (let length = issuePath.length; length >= 0; length--) {
    const node = length === 0 ? doc.contents : doc.getIn(issuePath.slice(0, length), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) {
      const { line, col } = lineCounter.linePos(range[0]);
      return { line, column: col };
    }
  }
  return undefined;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
