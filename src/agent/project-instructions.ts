import path from 'node:path';
import { readTextPrefix } from './text-prefix.js';

/** The files users write their rules for agents in, read in this order: the cross-agent convention, then ksa's own. */
export const INSTRUCTION_FILES = ['AGENTS.md', '.ksa/instructions.md'] as const;

/** Both files together; the rest is cut (at a line end) with a note. */
export const MAX_INSTRUCTION_CHARS = 12_000;

/**
 * How much of a file is read for a budget of maxChars: UTF-8 takes at most 3 bytes
 * for a character (4 for two), and whitespace trimmed from the start needs a little more.
 */
const bytesFor = (maxChars: number) => maxChars * 4 + 4096;

export type InstructionFile = {
  readonly file: string;
  readonly text: string;
  /** The file's length: in characters when it was read whole, else its size (only its start was read). */
  readonly length: { readonly chars: number } | { readonly bytes: number };
  readonly truncated: boolean;
};

/** A file that is there but not given to the model, and why ("it is a directory, not a regular file"). */
export type SkippedInstructionFile = { readonly file: string; readonly reason: string };

export type ProjectInstructions = {
  /** The files with text, in INSTRUCTION_FILES order. */
  readonly files: readonly InstructionFile[];
  readonly skipped: readonly SkippedInstructionFile[];
};

/** Reads AGENTS.md and .ksa/instructions.md of a workspace; undefined when neither is there. */
export async function readProjectInstructions(dir: string, maxChars = MAX_INSTRUCTION_CHARS): Promise<ProjectInstructions | undefined> {
  const files: InstructionFile[] = [];
  const skipped: SkippedInstructionFile[] = [];
  let room = maxChars;
  for (const file of INSTRUCTION_FILES) {
    const read = await readTextPrefix(path.join(dir, file), bytesFor(maxChars));
    if (read.kind === 'missing') continue;
    if (read.kind === 'unusable') {
      skipped.push({ file, reason: read.reason });
      continue;
    }
    const text = read.text.trim();
    if (!text) continue;
    const kept = cut(text, room);
    room -= kept.length;
    const length = read.complete ? { chars: text.length } : { bytes: read.bytes };
    files.push({ file, text: kept, length, truncated: !read.complete || kept.length < text.length });
  }
  return files.length > 0 || skipped.length > 0 ? { files, skipped } : undefined;
}

function cut(text: string, room: number): string {
  if (text.length <= room) return text;
  const head = text.slice(0, Math.max(0, room));
  const lineEnd = head.lastIndexOf('\n');
  return (lineEnd > room / 2 ? head.slice(0, lineEnd) : head).trimEnd();
}

function describeLength(file: InstructionFile): string {
  return 'chars' in file.length ? `${file.length.chars} characters` : `${file.length.bytes} bytes`;
}

/** "12 of its 40 characters", or, when only the file's start was read, "the first 12 characters of its 600000 bytes". */
function shownOfLength(file: InstructionFile): string {
  return 'chars' in file.length ? `${file.text.length} of its ${file.length.chars} characters` : `the first ${file.text.length} characters of its ${file.length.bytes} bytes`;
}

/** The instructions as the planner and the chat model read them; undefined when no file has text for them. */
export function formatProjectInstructions(instructions: ProjectInstructions | undefined): string | undefined {
  if (!instructions || instructions.files.length === 0) return undefined;
  const parts = [
    `Project instructions, written by the user for agents working in this workspace (${instructions.files.map((f) => f.file).join(', ')}). Follow them: they win over general habits.`,
  ];
  for (const file of instructions.files) {
    parts.push(`--- ${file.file} ---\n${file.text}`);
    if (file.truncated) parts.push(`[${file.file} was cut here: ${shownOfLength(file)} are shown]`);
  }
  return parts.join('\n');
}

/** What the user is told about the files, one line each (empty when all is given whole): for stderr, or the chat's notices. */
export function instructionNotices(instructions: ProjectInstructions | undefined): string[] {
  const skipped = (instructions?.skipped ?? []).map(({ file, reason }) => `${file} is skipped: ${reason}`);
  const cutFiles = instructions?.files.filter((file) => file.truncated) ?? [];
  if (cutFiles.length === 0) return skipped;
  return [
    ...skipped,
    `${cutFiles.map((file) => `${file.file} (${describeLength(file)})`).join(' and ')} ${cutFiles.length === 1 ? 'is' : 'are'} longer than the ${MAX_INSTRUCTION_CHARS} characters given to the model: the end is left out.`,
  ];
}
