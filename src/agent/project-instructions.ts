import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The files users write their rules for agents in, read in this order: the cross-agent convention, then ksa's own. */
export const INSTRUCTION_FILES = ['AGENTS.md', '.ksa/instructions.md'] as const;

/** Both files together; the rest is cut (at a line end) with a note. */
export const MAX_INSTRUCTION_CHARS = 12_000;

export type InstructionFile = {
  readonly file: string;
  readonly text: string;
  /** The file's full length, in characters. */
  readonly chars: number;
  readonly truncated: boolean;
};

export type ProjectInstructions = { readonly files: readonly InstructionFile[] };

/** Reads AGENTS.md and .ksa/instructions.md of a workspace; undefined when neither has text. */
export async function readProjectInstructions(dir: string, maxChars = MAX_INSTRUCTION_CHARS): Promise<ProjectInstructions | undefined> {
  const files: InstructionFile[] = [];
  let room = maxChars;
  for (const file of INSTRUCTION_FILES) {
    let text: string;
    try {
      text = (await readFile(path.join(dir, file), 'utf8')).trim();
    } catch {
      continue;
    }
    if (!text) continue;
    const kept = cut(text, room);
    room -= kept.length;
    files.push({ file, text: kept, chars: text.length, truncated: kept.length < text.length });
  }
  return files.length > 0 ? { files } : undefined;
}

function cut(text: string, room: number): string {
  if (text.length <= room) return text;
  const head = text.slice(0, Math.max(0, room));
  const lineEnd = head.lastIndexOf('\n');
  return (lineEnd > room / 2 ? head.slice(0, lineEnd) : head).trimEnd();
}

/** The instructions as the planner and the chat model read them. */
export function formatProjectInstructions(instructions: ProjectInstructions): string {
  const parts = [
    `Project instructions, written by the user for agents working in this workspace (${instructions.files.map((f) => f.file).join(', ')}). Follow them: they win over general habits.`,
  ];
  for (const file of instructions.files) {
    parts.push(`--- ${file.file} ---\n${file.text}`);
    if (file.truncated) parts.push(`[${file.file} was cut here: ${file.text.length} of its ${file.chars} characters are shown]`);
  }
  return parts.join('\n');
}

/** What the user is told about the files, one line each (empty when all is given whole): for stderr, or the chat's notices. */
export function instructionNotices(instructions: ProjectInstructions | undefined): string[] {
  const cutFiles = instructions?.files.filter((file) => file.truncated) ?? [];
  if (cutFiles.length === 0) return [];
  return [`${cutFiles.map((file) => `${file.file} (${file.chars} characters)`).join(' and ')} ${cutFiles.length === 1 ? 'is' : 'are'} longer than the ${MAX_INSTRUCTION_CHARS} characters given to the model: the end is left out.`];
}
