import { Box, Text, useInput, usePaste } from 'ink';
import { useRef, useState } from 'react';
import type { SlashCommand } from './slash-commands.js';
import { TextField } from './TextField.js';

export type Props = {
  readonly prompt: string;
  readonly placeholder: string;
  readonly active: boolean;
  /**
   * True while a question (Esc's cancel menu) borrows the line: what was typed before waits aside and comes
   * back when the question ends; what was typed for the question ends with it, never left for the chat.
   */
  readonly asking?: boolean;
  /** A secret is asked for (with `asking`): drawn masked, never kept in the input history, no completion. */
  readonly secret?: boolean;
  readonly commands: readonly SlashCommand[];
  readonly color: boolean;
  /** What was typed in the session before it was reopened (oldest first): Up reaches it after this process's inputs. */
  readonly earlier?: readonly string[];
  /** What was typed in this process (oldest first), kept by the app across session switches (`/new`, `/sessions`); the line adds to it. */
  readonly typed?: string[];
  readonly onSubmit: (text: string) => void;
};

/**
 * The input line: history on Up/Down, Tab completion of slash commands, and
 * paste (bracketed, so a pasted newline is text, not Enter). Keys like y/n/e
 * are plain text here: they act when sent with Enter, so "yes, but use port
 * 9090" is a revision, not an approval.
 */
export function InputLine({ prompt, placeholder, active, asking = false, secret = false, commands, color, earlier = [], typed: kept, onSubmit }: Props) {
  const [value, setValue] = useState('');
  const [own] = useState<string[]>(() => []);
  const typed = kept ?? own;
  const history = earlier.length > 0 ? [...earlier, ...typed] : typed;
  // Counted from the newest: the reopened session's inputs arrive after the first frame, in front of the list.
  // A ref, not state: two Ups in one read reach this handler before a render, and each must see the other's step.
  const back = useRef<number | undefined>(undefined);
  // What was being typed when Up left it: Down past the newest entry brings it back, as readline does.
  const typing = useRef('');
  const [textKey, setTextKey] = useState(0);
  const [askingShown, setAskingShown] = useState(asking);
  const [draft, setDraft] = useState('');
  if (asking !== askingShown) {
    // Swapped while rendering, so no frame shows the question's prompt with the chat's text (or the other way).
    setAskingShown(asking);
    setDraft(asking ? value : '');
    setValue(asking ? '' : draft);
    setTextKey((key) => key + 1);
  }

  const matches = !secret && value.startsWith('/') && !value.includes(' ') ? commands.filter((command) => `/${command.name}`.startsWith(value)) : [];

  const replace = (next: string) => {
    setValue(next);
    // Remount the text input so its cursor moves to the end of the new text.
    setTextKey((key) => key + 1);
  };

  useInput(
    (_input, key) => {
      if (key.upArrow && history.length > 0) {
        const next = Math.min(history.length, (back.current ?? 0) + 1);
        if (back.current === undefined) typing.current = value;
        back.current = next;
        replace(history[history.length - next]!);
      } else if (key.downArrow && back.current !== undefined) {
        const next = back.current - 1;
        if (next <= 0) {
          back.current = undefined;
          replace(typing.current);
          typing.current = '';
        } else {
          back.current = next;
          replace(history[history.length - next]!);
        }
      } else if (key.tab && matches[0]) {
        replace(`/${matches[0].name} `);
      }
    },
    { isActive: active && !secret },
  );

  // Lines of a paste stay lines (joined with a space in this one-line input), never glued together.
  usePaste((text) => replace(`${value}${text.replace(/\r\n?/g, '\n').split('\n').map((line) => line.trim()).filter(Boolean).join(' ')}`), { isActive: active });

  // A terminal may deliver typed text and Enter in one read ("y\r" from a fast
  // typist over ssh, or a script): Ink hands that over as text, so the line
  // ending is the Enter, and anything after it starts the next input.
  const change = (next: string) => {
    const end = next.search(/[\r\n]/);
    if (end === -1) return setValue(next);
    submit(next.slice(0, end));
    const rest = next.slice(end + 1).replace(/[\r\n]+/g, ' ').trim();
    if (rest) replace(rest);
  };

  const submit = (text: string) => {
    // Read on the next key, after the render replace() brings: no state of its own to set.
    if (!secret && text.trim() && history.at(-1) !== text) typed.push(text);
    back.current = undefined;
    replace('');
    onSubmit(text);
  };

  return (
    <Box flexDirection="column">
      <Box>
        {/* A margin, not a trailing space: Ink trims that when the text beside it wraps ("›ask about the run"). */}
        <Box marginRight={1} flexShrink={0}>
          <Text color={color ? 'cyan' : undefined} bold>
            {prompt}
          </Text>
        </Box>
        <TextField key={textKey} value={value} onChange={change} onSubmit={submit} placeholder={placeholder} focus={active} {...(secret ? { mask: '•' } : {})} />
      </Box>
      {matches.length > 0 ? (
        <Box flexDirection="column" paddingLeft={2}>
          {matches.slice(0, 8).map((command, i) => (
            <Text key={command.name} dimColor={color && i > 0}>
              /{command.name}
              {command.args ? ` ${command.args}` : ''} <Text dimColor={color}>{command.description}</Text>
              {i === 0 ? <Text dimColor={color}> (Tab)</Text> : null}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
