import { useEffect, useRef, useState } from 'react';

/** Clears the screen and the scrollback, cursor home. */
export const CLEAR_SCREEN = '\u001b[2J\u001b[3J\u001b[H';

/**
 * A narrower terminal re-wraps what is on screen and leaves torn pieces of the
 * old frame: clear it (and the scrollback) and print the transcript again.
 */
export function useRedrawOnShrink(stdout: NodeJS.WriteStream): number {
  const [key, setKey] = useState(0);
  const width = useRef(stdout.columns);
  useEffect(() => {
    const onResize = () => {
      const previous = width.current;
      width.current = stdout.columns;
      if (stdout.columns < (previous ?? 0)) {
        stdout.write(CLEAR_SCREEN);
        setKey((value) => value + 1);
      }
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return key;
}
