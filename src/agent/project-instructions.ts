import path from 'node:path';
import { readTextPrefix } from './text-prefix.js';

/** The files users write their rules for agents in, shown to the model in this order: the cross-agent convention, then ksa's own. */
export const INSTRUCTION_FILES = ['AGENTS.md', '.ksa/instructions.md'] as const;

/** Both files together; the rest is cut (at a line end) with a note. */
export const MAX_INSTRUCTION_CHARS = 12_000;

/**
 * Who has the room first: ksa's own file is written for ksa and is usually
 * short, so a long AGENTS.md written for every agent must not crowd it out.
 */
const ROOM_ORDER: readonly InstructionFileName[] = ['.ksa/instructions.md', 'AGENTS.md'];

type InstructionFileName = (typeof INSTRUCTION_FILES)[number];

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
  /** The characters left for it by the files before it in ROOM_ORDER. */
  readonly room: number;
};

/** A file that is there but not given to the model, and why ("it is a directory, not a regular file"). */
export type SkippedInstructionFile = { readonly file: string; readonly reason: string };

export type ProjectInstructions = {
  /** The files with text, in INSTRUCTION_FILES order. */
  readonly files: readonly InstructionFile[];
  readonly skipped: readonly SkippedInstructionFile[];
  /** The budget of both files together. */
  readonly maxChars: number;
};

/** Reads AGENTS.md and .ksa/instructions.md of a workspace; undefined when neither is there. */
export async function readProjectInstructions(dir: string, maxChars = MAX_INSTRUCTION_CHARS): Promise<ProjectInstructions | undefined> {
  const reads = new Map(await Promise.all(INSTRUCTION_FILES.map(async (file) => [file, await readTextPrefix(path.join(dir, file), bytesFor(maxChars), dir)] as const)));
  const kept = new Map<InstructionFileName, InstructionFile>();
  let room = maxChars;
  for (const file of ROOM_ORDER) {
    const read = reads.get(file);
    if (read?.kind !== 'text') continue;
    const text = read.text.trim();
    if (!text) continue;
    const shown = cutAtLineEnd(text, room);
    const length = read.complete ? { chars: text.length } : { bytes: read.bytes };
    kept.set(file, { file, text: shown, length, truncated: !read.complete || shown.length < text.length, room });
    room -= shown.length;
  }
  const files = INSTRUCTION_FILES.flatMap((file) => kept.get(file) ?? []);
  const skipped = INSTRUCTION_FILES.flatMap((file) => {
    const read = reads.get(file);
    return read?.kind === 'unusable' ? [{ file, reason: read.reason }] : [];
  });
  return files.length > 0 || skipped.length > 0 ? { files, skipped, maxChars } : undefined;
}

/** Whole lines only: a rule cut inside its line may say less than, or the opposite of, the rule ("never deploy to prod-eu" → "never deploy"). */
function cutAtLineEnd(text: string, room: number): string {
  if (text.length <= room) return text;
  // A line end just past the room still counts: the line before it fits.
  const lineEnd = text.lastIndexOf('\n', room);
  return lineEnd < 0 ? '' : text.slice(0, lineEnd).trimEnd();
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
    parts.push(file.text ? `--- ${file.file} ---\n${file.text}` : `--- ${file.file} ---`);
    if (file.truncated) parts.push(`[${file.file} was cut here: ${shownOfLength(file)} are shown]`);
  }
  return parts.join('\n');
}

/** What the user is told about the files, one line each (empty when all is given whole): for stderr, or the chat's notices. */
export function instructionNotices(instructions: ProjectInstructions | undefined): string[] {
  if (!instructions) return [];
  const budget = `project instructions may be ${instructions.maxChars} characters together`;
  const cut = instructions.files.filter((file) => file.truncated).map((file) => {
    if (file.text) return `${file.file} is cut at a line end: the model is given ${shownOfLength(file)} (${budget})`;
    const why = file.room === 0 ? 'no room is left for it' : `its first line is longer than the ${file.room} characters left for it`;
    return `${file.file} is left out: ${why} (${budget})`;
  });
  return [...instructions.skipped.map(({ file, reason }) => `${file} is skipped: ${reason}`), ...cut];
}
