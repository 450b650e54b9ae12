import { siftDown, siftUp } from './heap.js';

/**
 * Max-heap of ready step indices ordered by remaining critical path (longest
 * first), ties broken by plan order so runs are deterministic. O(log n) push/pop.
 */
export class ReadyQueue {
  private heap: Int32Array;
  private length = 0;

  constructor(
    private readonly priority: Float64Array,
    capacity = 16,
  ) {
    this.heap = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.length;
  }

  push(index: number): void {
    if (this.length === this.heap.length) {
      const grown = new Int32Array(this.heap.length * 2);
      grown.set(this.heap);
      this.heap = grown;
    }
    siftUp(this.heap, this.length++, index, this.before);
  }

  pop(): number | undefined {
    if (this.length === 0) return undefined;
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap[--this.length]!;
    if (this.length > 0) siftDown(heap, this.length, last, this.before);
    return top;
  }

  clear(): number[] {
    const rest = Array.from(this.heap.subarray(0, this.length));
    this.length = 0;
    return rest;
  }

  private readonly before = (a: number, b: number): boolean => {
    const pa = this.priority[a]!;
    const pb = this.priority[b]!;
    return pa > pb || (pa === pb && a < b);
  };
}
