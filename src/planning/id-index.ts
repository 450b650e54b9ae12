/**
 * Step ids to their first step index, in one open-addressing table of
 * 32-bit ints (linear probing, at most half full). A JS Map did the same job, but strings from JSON.parse are not
 * interned, so each of a 100k-step plan's ~300k lookups hashed and compared
 * strings spread over the heap: the Map was a third of validating. Here the
 * hash is computed once per string and the slots are contiguous.
 */
export class IdIndex {
  private readonly mask: number;
  /** Per slot two ints: the id's hash, and 1 + the step index (0: an empty slot). */
  private readonly slots: Int32Array;

  /** Indexes `ids`; `onRepeat(i, first)` hears of each id that an earlier step already has, in plan order. */
  constructor(
    private readonly ids: readonly string[],
    onRepeat?: (index: number, first: number) => void,
  ) {
    let size = 16;
    while (size < ids.length * 2) size *= 2;
    this.mask = size - 1;
    const slots = (this.slots = new Int32Array(size * 2));
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const hash = hashOf(id);
      let slot = hash & this.mask;
      for (;;) {
        const held = slots[2 * slot + 1]!;
        if (held === 0) {
          slots[2 * slot] = hash;
          slots[2 * slot + 1] = i + 1;
          break;
        }
        // The hash beside the index spares reading the strings of other ids.
        if (slots[2 * slot] === hash && ids[held - 1] === id) {
          onRepeat?.(i, held - 1);
          break;
        }
        slot = (slot + 1) & this.mask;
      }
    }
  }

  /** The index of the first step with this id, or -1. */
  get(id: string): number {
    const slots = this.slots;
    const hash = hashOf(id);
    let slot = hash & this.mask;
    for (;;) {
      const held = slots[2 * slot + 1]!;
      if (held === 0) return -1;
      if (slots[2 * slot] === hash && this.ids[held - 1] === id) return held - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The same as a Map, first occurrences in plan order. */
  toMap(): Map<string, number> {
    const map = new Map<string, number>();
    for (let i = 0; i < this.ids.length; i++) if (this.get(this.ids[i]!) === i) map.set(this.ids[i]!, i);
    return map;
  }
}

/** FNV-1a over every UTF-16 unit, then murmur3's final mix so the low bits (the slot) depend on all of them. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
