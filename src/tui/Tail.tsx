import { Box, Text, type DOMElement } from 'ink';
import { useRef, type ReactNode } from 'react';
import { useMeasuredHeight } from './use-measured-height.js';

export type Props = {
  /** Rows it may take at most, the marker line included; undefined: no limit. */
  readonly maxRows: number | undefined;
  readonly color: boolean;
  /** What the marker says about the hidden lines, after "↑ N lines above". */
  readonly hiddenNote?: string;
  readonly children: ReactNode;
};

/**
 * Its children's last rows, at most `maxRows` of them. The chat's live area is
 * redrawn on every change; a frame taller than the terminal cannot be erased,
 * so each redraw would push another copy of its top into the scrollback. Laid
 * out at full height and clipped from the top (flex-end in a box that hides
 * overflow), so wrapped lines count as the rows they take.
 */
export function Tail({ maxRows, color, hiddenNote, children }: Props) {
  const inner = useRef<DOMElement>(null);
  const { height, hasMeasured } = useMeasuredHeight(inner);
  const limit = maxRows === undefined ? undefined : Math.max(1, Math.floor(maxRows));
  const hidden = limit !== undefined && hasMeasured && height > limit;
  const room = limit === undefined ? undefined : hidden ? Math.max(1, limit - 1) : limit;
  return (
    <Box flexDirection="column">
      {hidden ? (
        <Text dimColor={color} wrap="truncate-end">
          ↑ {height - room!} more line{height - room! === 1 ? '' : 's'} above{hiddenNote ? ` ${hiddenNote}` : ''}
        </Text>
      ) : null}
      <Box flexDirection="column" maxHeight={room} overflowY={room === undefined ? 'visible' : 'hidden'} justifyContent="flex-end">
        <Box ref={inner} flexDirection="column" flexShrink={0}>
          {children}
        </Box>
      </Box>
    </Box>
  );
}
