/**
 * The two sift loops of a binary min-heap ("before" = closer to the top),
 * shared by the ready queue (typed array of step indices) and the virtual
 * clock (array of timers). Callers own storage and length so each can keep
 * the representation that is fastest for it.
 */
export interface HeapSlots<T> {
  [index: number]: T;
}

/** Places `item` at slot `i` (the new last slot) and moves it up. */
export function siftUp<T>(heap: HeapSlots<T>, i: number, item: T, before: (a: T, b: T) => boolean): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const above = heap[parent] as T;
    if (!before(item, above)) break;
    heap[i] = above;
    i = parent;
  }
  heap[i] = item;
}

/** Places `item` (the old last element) from the root down in a heap of `n` slots. */
export function siftDown<T>(heap: HeapSlots<T>, n: number, item: T, before: (a: T, b: T) => boolean): void {
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= n) break;
    const right = left + 1;
    const child = right < n && before(heap[right] as T, heap[left] as T) ? right : left;
    const below = heap[child] as T;
    if (!before(below, item)) break;
    heap[i] = below;
    i = child;
  }
  heap[i] = item;
}
