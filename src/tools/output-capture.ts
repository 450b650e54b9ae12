import { StringDecoder } from 'node:string_decoder';
import { credentialSafeCut } from '../planning/credential-shapes.js';
import { REDACTED } from '../planning/redacted.js';
import type { OutputStream } from '../planning/tool-call.js';
import { keyBodyEnd, KeyRanges, type StreamKeys } from './key-ranges.js';

export const DEFAULT_MAX_CAPTURE_BYTES = 1024 * 1024;
/** Longer lines are delivered in pieces, so one line without a newline cannot grow without bound; never inside a credential. */
export const MAX_LINE_CHARS = 64 * 1024;

/**
 * Turns a byte stream into lines as they arrive. A chunk may end mid-line or
 * mid-character; the rest waits for the next chunk, and `end()` delivers a
 * final line that has no newline. A `\r\n` (CRLF output) ends a line as `\n` does.
 *
 * A `\r` alone ends a segment as a line end does: progress output
 * (`Downloading 10%\r…50%\r`) rewrites its line in a terminal, so each segment is
 * delivered when it is complete (a live view shows the latest, as a terminal
 * would), and a log keeps them apart, one per line, instead of glued together.
 * Progress drawn the other way round (`\rDownloading 10%`, as curl, tqdm and pip
 * do) is delivered as soon as it arrives, not when the next `\r` begins: the
 * live view would otherwise always show the update before the one printed.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  /** The current line has had segments ended by `\r`: the line end that follows adds no empty line of its own. */
  private rewritten = false;
  /** A `\r` ended the last segment of the current line: what follows it is an update, shown before its line end. */
  private afterCarriageReturn = false;
  /** The text after that `\r` already delivered: its own line end delivers it no second time. */
  private shown: string | undefined;

  constructor(
    private readonly emit: (line: string) => void,
    private readonly maxLineChars = MAX_LINE_CHARS,
  ) {}

  write(chunk: Uint8Array | string): void {
    this.feed(typeof chunk === 'string' ? chunk : this.decoder.write(chunk as Buffer));
  }

  end(): void {
    this.feed(this.decoder.end());
    if (this.pending && this.pending !== this.shown) this.emit(this.pending);
    this.pending = '';
    this.shown = undefined;
  }

  private feed(text: string): void {
    if (!text) return;
    const lineEnds = /\r\n|\r|\n/g;
    let start = 0;
    for (let match = lineEnds.exec(text); match !== null; match = lineEnds.exec(text)) {
      const segment = this.pending + text.slice(start, match.index);
      const alreadyShown = segment === this.shown;
      this.pending = '';
      this.shown = undefined;
      start = match.index + match[0].length;
      if (match[0] === '\r') {
        this.afterCarriageReturn = true;
        // An empty segment overwrites nothing (`\r\r`, or a `\r` that starts the output).
        if (segment) {
          if (!alreadyShown) this.emit(segment);
          this.rewritten = true;
        }
        continue;
      }
      // `progress 90%\r\n` (or a CRLF split across chunks): the line ended with a segment already delivered.
      if (!alreadyShown && (segment || !this.rewritten)) this.emit(segment);
      this.rewritten = false;
      this.afterCarriageReturn = false;
    }
    this.pending += text.slice(start);
    while (this.pending.length > this.maxLineChars) {
      // Each piece is masked on its own: a token cut in two would be shown in two unmasked halves.
      let cut = credentialSafeCut(this.pending, this.maxLineChars);
      // Do not split a surrogate pair.
      if (isHighSurrogate(this.pending.charCodeAt(cut - 1))) cut--;
      this.emit(this.pending.slice(0, cut));
      this.pending = this.pending.slice(cut);
      this.shown = undefined;
    }
    if (this.afterCarriageReturn && this.pending && this.pending !== this.shown) {
      this.emit(this.pending);
      this.shown = this.pending;
      this.rewritten = true;
    }
  }
}

/**
 * Keeps the first and the last half of `maxBytes` of a stream and counts what
 * falls in between: the start of a log says what ran, its end says why it failed.
 * Paired with the capture of the process's other stream (`pairedWith`), the lines that are the body of a key whose
 * header that stream printed are kept as ***, as the step's output lines showed them.
 */
export class BoundedCapture {
  private readonly head: Buffer[] = [];
  private readonly tail: Buffer[] = [];
  private headBytes = 0;
  private tailBytes = 0;
  private totalBytes = 0;
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private readonly keys: KeyRanges;
  /** Byte ranges to keep as ***, by where they start: in the head (kept for good), or later (dropped with the middle). */
  private readonly headMasks: [number, number][] = [];
  private readonly laterMasks: [number, number][] = [];

  constructor(maxBytes = DEFAULT_MAX_CAPTURE_BYTES, pairedWith?: { readonly stream: OutputStream; readonly keys: StreamKeys }) {
    this.headLimit = Math.floor(maxBytes / 2);
    this.tailLimit = maxBytes - this.headLimit;
    const onBodyLine = (from: number, to: number) => (from < this.headLimit ? this.headMasks : this.laterMasks).push([from, to]);
    this.keys = new KeyRanges(MAX_LINE_CHARS, pairedWith && { ...pairedWith, onBodyLine });
  }

  write(chunk: Uint8Array | string): void {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.keys.write(bytes, this.totalBytes);
    this.totalBytes += bytes.length;
    if (this.headBytes < this.headLimit) {
      const take = Math.min(bytes.length, this.headLimit - this.headBytes);
      this.head.push(bytes.subarray(0, take));
      this.headBytes += take;
      bytes = bytes.subarray(take);
    }
    if (bytes.length === 0) return;
    this.tail.push(bytes);
    this.tailBytes += bytes.length;
    while (this.tailBytes - this.tail[0]!.length >= this.tailLimit) this.tailBytes -= this.tail.shift()!.length;
    if (this.tailBytes > this.tailLimit) {
      const excess = this.tailBytes - this.tailLimit;
      this.tail[0] = this.tail[0]!.subarray(excess);
      this.tailBytes -= excess;
    }
    const tailStart = this.totalBytes - this.tailBytes;
    this.keys.forgetBefore(tailStart);
    while (this.laterMasks.length > 0 && this.laterMasks[0]![1] <= tailStart) this.laterMasks.shift();
  }

  /** The stream ended: a last line without a line end is read as a line too (the line masker shows it so). */
  end(): void {
    this.keys.end();
  }

  /** Bytes dropped from the middle. */
  get droppedBytes(): number {
    return this.totalBytes - this.headBytes - this.tailBytes;
  }

  get truncated(): boolean {
    return this.droppedBytes > 0;
  }

  /** The captured text; when truncated, head and tail are joined by a `…[N bytes truncated]…` line. */
  text(): string {
    const masks = [...this.headMasks, ...this.laterMasks];
    if (!this.truncated) return maskedText(Buffer.concat([...this.head, ...this.tail]), 0, masks, true);
    // The cuts may fall inside a UTF-8 character: hold back its start, skip its continuation bytes.
    const head = maskedText(Buffer.concat(this.head), 0, masks, false);
    const tailBytes = Buffer.concat(this.tail);
    let skip = 0;
    while (skip < tailBytes.length && skip < 4 && (tailBytes[skip]! & 0xc0) === 0x80) skip++;
    const tailStart = this.totalBytes - this.tailBytes;
    const kept = tailBytes.subarray(skip);
    const keptStart = tailStart + skip;
    // The key's header was dropped with the middle: nothing in the tail says its first lines are a key's body.
    const key = this.keys.keyAt(tailStart);
    let keyEnd: number | undefined;
    if (key?.end !== undefined) keyEnd = Math.max(keptStart, key.end);
    else if (key) {
      const text = kept.toString('utf8');
      keyEnd = keptStart + Buffer.byteLength(text.slice(0, keyBodyEnd(text, key.key, key.next)));
    }
    const tail = maskedText(kept, keptStart, keyEnd === undefined ? masks : [[keptStart, keyEnd], ...masks], true);
    return `${head}\n…[${this.droppedBytes} bytes truncated]…\n${tail}`;
  }
}

/**
 * The text of `bytes` (which start at stream offset `offset`) with each range of `masks` that reaches into them as
 * ***. Unless `final`, a character cut at their end is held back.
 */
function maskedText(bytes: Buffer, offset: number, masks: readonly (readonly [number, number])[], final: boolean): string {
  const decoder = new StringDecoder('utf8');
  const end = offset + bytes.length;
  const ranges = masks
    .filter(([from, to]) => from < end && (to > offset || from === offset))
    .map(([from, to]) => [Math.max(from, offset), Math.min(to, end)] as const)
    .sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = offset;
  for (const [from, to] of ranges) {
    // One range reaching into another (a key's body read both ways) is one ***.
    if (from < at) {
      at = Math.max(at, to);
      continue;
    }
    out += decoder.write(bytes.subarray(at - offset, from - offset)) + REDACTED;
    at = to;
  }
  out += decoder.write(bytes.subarray(at - offset));
  return final ? out + decoder.end() : out;
}

/** A text already held whole, kept to `maxBytes` as a stream's capture would keep it (head and tail). */
export function boundText(text: string, maxBytes = DEFAULT_MAX_CAPTURE_BYTES): { readonly text: string; readonly truncated: boolean } {
  if (text.length * 3 <= maxBytes) return { text, truncated: false };
  const capture = new BoundedCapture(maxBytes);
  capture.write(text);
  return { text: capture.text(), truncated: capture.truncated };
}

/** Like a shell's `$(...)`: one final newline is not part of the value. */
export function stripFinalNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
