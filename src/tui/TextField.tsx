import { Text, useInput } from 'ink';
import { useRef, useState } from 'react';
import { editLine, nextBoundary } from './line-editing.js';

export type Props = {
  readonly value: string;
  readonly placeholder: string;
  readonly focus: boolean;
  readonly onChange: (value: string) => void;
  readonly onSubmit: (value: string) => void;
  /** A secret is typed: each character is drawn as this one. */
  readonly mask?: string;
};

/**
 * A one-line text field: typing, Backspace/Delete, Left/Right, Enter, and readline's editing keys (editLine). A terminal may hand
 * over several keys in one read (a held Backspace, key repeat over ssh): Ink delivers them
 * one after another before anything renders again, so the text and the cursor live in refs
 * each key updates at once. Kept in state only, every key of the read would edit the text
 * as it was before the read, and three Backspaces would delete one character.
 */
export function TextField({ value, placeholder, focus, onChange, onSubmit, mask }: Props) {
  const text = useRef(value);
  const cursor = useRef(value.length);
  // The parent may set the text (history, completion, a paste): the cursor goes to its end.
  if (value !== text.current) {
    text.current = value;
    cursor.current = value.length;
  }
  const [, redraw] = useState(0);

  useInput(
    (input, key) => {
      if (key.upArrow || key.downArrow || (key.ctrl && input === 'c') || key.tab) return;
      if (key.return) return onSubmit(text.current);
      const before = text.current;
      const { text: next, cursor: at } = editLine({ text: before, cursor: cursor.current }, input, key);
      text.current = next;
      cursor.current = at;
      redraw((count) => count + 1);
      if (next !== before) onChange(next);
    },
    { isActive: focus },
  );

  const shown = (text: string) => (mask === undefined ? text : mask.repeat([...text].length));
  if (!focus) return <Text>{shown(value) || <Text color="gray">{placeholder}</Text>}</Text>;
  if (value === '') {
    return (
      <Text>
        <Text inverse>{placeholder[0] ?? ' '}</Text>
        <Text color="gray">{placeholder.slice(1)}</Text>
      </Text>
    );
  }
  const at = Math.min(cursor.current, value.length);
  // The whole character under the cursor is drawn inverse: an emoji is more than one UTF-16 unit.
  const end = at < value.length ? nextBoundary(value, at) : at;
  return (
    <Text>
      {shown(value.slice(0, at))}
      <Text inverse>{at < value.length ? shown(value.slice(at, end)) : ' '}</Text>
      {shown(value.slice(end))}
    </Text>
  );
}
