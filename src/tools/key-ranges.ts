import { StringDecoder } from 'node:string_decoder';
import { credentialSafeCut } from '../planning/credential-shapes.js';
import { keyAfterBodyLine, keyBodyLine, keyFooterEnd, keysStartingIn, type OpenKey } from '../planning/private-key-armour.js';
import { keyThroughLine } from '../planning/private-key-lines.js';
import type { OutputStream } from '../planning/tool-call.js';

/**
 * Where a private key runs at a byte offset of a stream. `end`: the byte its span ends at, where the line it is on
 * closes it (a key escaped into one line of JSON). Otherwise it runs on over lines: `key` reads the line the offset
 * falls in (its footer), `next` the lines after it.
 */
export type KeyAt = { readonly end: number } | { readonly end?: undefined; readonly key: OpenKey; readonly next: OpenKey | undefined };

type Range = { from: number; to: number; at: KeyAt };

/** The key each stream of one process has open: shared by the captures of its stdout and stderr. */
export type StreamKeys = Record<OutputStream, OpenKey | undefined>;

/**
 * One stream of a process whose other stream is read too. A key printed across both (`head -1 key; tail -n +2 key
 * >&2`) has its header on one and its body on the other: a line that can be the body of the key the other stream has
 * open is masked, as the line masker masks it, without opening or closing anything.
 */
export type PairedStream = { readonly stream: OutputStream; readonly keys: StreamKeys; readonly onBodyLine: (from: number, to: number) => void };

/**
 * Where the private keys of a stream run, by byte offset, as the line masker sees them: the capture keeps a tail
 * whose start may fall inside a key whose header it dropped. Only ranges that reach into the kept tail are kept.
 * A line longer than `maxLineChars` is read in pieces cut where the line splitter cuts it, so a key anywhere on it
 * is found while no more than about that much of it is held.
 */
export class KeyRanges {
  private readonly decoder = new StringDecoder('utf8');
  /** What of the current line is not read yet, from `lineStart` on. */
  private pending = '';
  private lineStart = 0;
  private open: OpenKey | undefined;
  private ranges: Range[] = [];
  /** Reading the unended line to answer keyAt: nothing is taken as read, nor told to the other stream. */
  private peeking = false;

  constructor(
    private readonly maxLineChars: number,
    private readonly paired?: PairedStream,
  ) {}

  write(bytes: Buffer, offset: number): void {
    let at = 0;
    // A newline byte is never inside a UTF-8 character: offsets found by byte are exact.
    for (let newline = bytes.indexOf(10, at); newline !== -1; newline = bytes.indexOf(10, at)) {
      this.line(this.pending + this.decoder.write(bytes.subarray(at, newline)), offset + newline + 1);
      this.pending = '';
      at = newline + 1;
    }
    this.pending += this.decoder.write(bytes.subarray(at));
    while (this.pending.length > this.maxLineChars) {
      let cut = credentialSafeCut(this.pending, this.maxLineChars);
      if (isHighSurrogate(this.pending.charCodeAt(cut - 1))) cut--;
      const piece = this.pending.slice(0, cut);
      this.pending = this.pending.slice(cut);
      this.line(piece, this.lineStart + Buffer.byteLength(piece));
    }
  }

  /** The stream ended: its last line, without a line end, is read as a line. */
  end(): void {
    this.pending += this.decoder.end();
    if (this.pending === '') return;
    const last = this.pending;
    this.pending = '';
    this.line(last, this.lineStart + Buffer.byteLength(last));
  }

  forgetBefore(offset: number): void {
    while (this.ranges.length > 0 && this.ranges[0]!.to <= offset) this.ranges.shift();
  }

  /** The key a cut at `offset` falls inside (in its header, body or footer), if any. */
  keyAt(offset: number): KeyAt | undefined {
    const found = this.ranges.find((range) => range.from <= offset && offset < range.to)?.at;
    if (found || offset < this.lineStart) return found;
    // In the line not ended yet (the stream's last): read as it is so far, without taking it as read.
    const { ranges, open, lineStart } = this;
    this.ranges = [];
    this.peeking = true;
    try {
      this.line(this.pending, lineStart + Buffer.byteLength(this.pending));
      return this.ranges.find((range) => range.from <= offset && offset < range.to)?.at;
    } finally {
      this.ranges = ranges;
      this.open = open;
      this.lineStart = lineStart;
      this.peeking = false;
    }
  }

  private line(raw: string, end: number): void {
    this.readLine(raw, end);
    if (this.paired && !this.peeking) this.paired.keys[this.paired.stream] = this.open;
  }

  /** Reads one line (or one piece of a long one) ending at byte `end`, its line end included. */
  private readLine(raw: string, end: number): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const start = this.lineStart;
    const byteAt = (index: number) => start + Buffer.byteLength(text.slice(0, index));
    const before = this.open;
    this.lineStart = end;
    let from = 0;
    if (before) {
      const footer = before.footer ? keyFooterEnd(text) : -1;
      if (footer !== -1) {
        this.add(start, byteAt(footer), { end: byteAt(footer) });
        from = footer;
      } else {
        const after = keyAfterBodyLine(text, before);
        this.open = after;
        if (after) return this.add(start, end, { key: before, next: after });
      }
      this.open = undefined;
    }
    if (from === 0 && this.otherStreamsBody(text)) return this.paired!.onBodyLine(start, byteAt(text.length));
    const found = keysStartingIn(text, from);
    for (const [spanStart, spanEnd] of found.closed) this.add(byteAt(spanStart), byteAt(spanEnd), { end: byteAt(spanEnd) });
    if (found.open) {
      this.open = found.open.key;
      this.add(byteAt(found.open.at), end, { key: found.open.key, next: found.open.key });
    }
  }

  private otherStreamsBody(text: string): boolean {
    if (!this.paired || this.peeking || text.trim() === '') return false;
    const other = this.paired.keys[this.paired.stream === 'stdout' ? 'stderr' : 'stdout'];
    return other !== undefined && keyBodyLine(text, other);
  }

  private add(from: number, to: number, at: KeyAt): void {
    const last = this.ranges.at(-1);
    // One range for a key's body lines: a long key is not held line by line.
    if (last && last.to === from && at.end === undefined && last.at.end === undefined && last.at.key === at.key && last.at.next === at.next) last.to = to;
    else this.ranges.push({ from, to, at });
  }
}

/** Where a key's body that a text starts inside ends: after its footer, or before the first line that cannot be its body. */
export function keyBodyEnd(text: string, key: OpenKey, next: OpenKey | undefined): number {
  const firstEnd = text.indexOf('\n');
  if (firstEnd === -1) return text.length;
  const footerInFirst = key.footer ? keyFooterEnd(text.slice(0, firstEnd)) : -1;
  if (footerInFirst !== -1) return footerInFirst;
  let end = text[firstEnd - 1] === '\r' ? firstEnd - 1 : firstEnd;
  let open = next;
  for (let lineStart = firstEnd + 1; open && lineStart < text.length; ) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const contentEnd = text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
    const through = keyThroughLine(text.slice(lineStart, contentEnd), open);
    if (through.footerEnd !== undefined) return lineStart + through.footerEnd;
    if (!through.inKey) return end;
    open = through.after;
    end = contentEnd;
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  return end;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
