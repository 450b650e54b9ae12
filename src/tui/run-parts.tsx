import { Text } from 'ink';
import { plainText } from './visible-text.js';

/** The filled and empty blocks of a progress bar; the caller writes the figures after it. */
export function ProgressBlocks({ done, total, width, color }: { readonly done: number; readonly total: number; readonly width: number; readonly color: boolean }) {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return (
    <>
      <Text color={color ? 'green' : undefined}>{'█'.repeat(filled)}</Text>
      <Text dimColor={color}>{'░'.repeat(width - filled)}</Text>
    </>
  );
}

/** A step's latest output or error after its status, inside the line's text (which is cut at the terminal's edge). */
export function StepDetail({ text, color }: { readonly text: string | undefined; readonly color: boolean }) {
  if (!text) return null;
  return (
    <Text dimColor={color}>
      {'  │ '}
      {plainText(text)}
    </Text>
  );
}
