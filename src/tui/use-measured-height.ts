import { measureElement, type DOMElement } from 'ink';
import { useEffect, useRef, useState, type RefObject } from 'react';

export type MeasuredHeight = { readonly height: number; readonly hasMeasured: boolean };

const UNMEASURED: MeasuredHeight = { height: 0, hasMeasured: false };

/**
 * The laid-out height of the box `ref` points at, re-measured after every render of the calling
 * component (which must be the one that renders the box's contents).
 *
 * Ink's useBoxMetrics sets state from inside the commit (its effect runs after every render, and
 * sets two states each time). With Ink's legacy root such an update is a synchronous render nested
 * in the commit before it, and React stops after 50 of those in a row (error #185). Here the effect
 * only queues a microtask, which measures after the commit and sets state only when the height
 * changed, so a measurement is a render of its own, never one nested in another. Clipping does not
 * wait for it (the Tail's box limits the frame's height); only what reads the height (the "N more
 * lines above" marker, the rows left for an answer) follows a moment later.
 */
export function useMeasuredHeight(ref: RefObject<DOMElement | null>): MeasuredHeight {
  const [measured, setMeasured] = useState(UNMEASURED);
  const pending = useRef(false);
  useEffect(() => {
    if (pending.current) return;
    pending.current = true;
    queueMicrotask(() => {
      pending.current = false;
      // Unmounted meanwhile: no node, and React drops the update.
      const node = ref.current;
      const next = node?.yogaNode ? { height: measureElement(node).height, hasMeasured: true } : UNMEASURED;
      setMeasured((current) => (current.height === next.height && current.hasMeasured === next.hasMeasured ? current : next));
    });
  });
  return measured;
}
