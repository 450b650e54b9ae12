import { KeysAcrossStreams } from './keys-across-streams.js';
import { keyAfterBodyLine, keyFooterEnd, keysStartingIn, maskSpans, type OpenKey } from './private-key-armour.js';
import type { InvokeTool, OutputStream } from './tool-call.js';

/** Masks a process's output lines as they come (`line`), and says those it held once the output has ended (`end`). */
export type PrivateKeyLineMasker = {
  readonly line: (line: string, stream: OutputStream) => void;
  readonly end: () => void;
};

/**
 * What a tool prints a line at a time (`cat id_rsa`, a secret decoded by `base64 -d`) shows a private key's body on
 * lines of bare base64, with no shape of their own: only the header says what follows. So each stream remembers a
 * key it opened, and each line after it is `mask` while it can be the key's body, up to its footer (the footer's line
 * too). The first line that cannot be (`deploy ok` after a header grep found in a document) ends it and is shown.
 * A line that opens none has its keys masked (header to footer, or to the line's end). A key printed across the two
 * streams, its header on one and its body on the other, is masked whichever is read first (KeysAcrossStreams): a
 * line that may be its body is held back until it is known, and `emit` may be told it later, masked or as it was.
 */
export function privateKeyLineMasker(mask: string, emit: (line: string, stream: OutputStream) => void): PrivateKeyLineMasker {
  const across = new KeysAcrossStreams<string>((stream, lines, masked) => {
    for (const line of lines) emit(masked ? mask : line, stream);
  });
  const line = (text: string, stream: OutputStream) => {
    const key = across.keyOf(stream);
    if (key) {
      const through = keyThroughLine(text, key);
      across.opened(stream, through.inKey ? through.after : undefined);
      if (through.inKey) return emit(mask, stream);
    }
    const verdict = across.line(stream, text, text);
    if (verdict === 'masked') return emit(mask, stream);
    if (verdict === 'held') return;
    const found = keysStartingIn(text);
    across.opened(stream, found.open?.key);
    const spans = found.open ? [...found.closed, [found.open.at, text.length] as const] : found.closed;
    emit(maskSpans(text, spans, mask), stream);
  };
  return { line, end: () => across.end() };
}

/**
 * Whether a line of one stream is part of a key open before it (its body or footer), and the key open after it: the
 * masker's view of one stream, for what reads output by bytes and must know where a key runs (a capture's kept tail).
 * `footerEnd`: where in the line the key's footer ends, when the line closes it.
 */
export function keyThroughLine(line: string, key: OpenKey | undefined): { inKey: boolean; after: OpenKey | undefined; footerEnd?: number } {
  if (key) {
    const footer = key.footer ? keyFooterEnd(line) : -1;
    if (footer !== -1) return { inKey: true, after: keysStartingIn(line, footer).open?.key, footerEnd: footer };
    const body = keyAfterBodyLine(line, key);
    if (body) return { inKey: true, after: body };
  }
  return { inKey: false, after: keysStartingIn(line).open?.key };
}

/** A text's lines as a tool's output shows them, one stream's, with the private keys masked line by line. */
export function privateKeyMaskedLines(text: string, mask: string, stream: OutputStream = 'stderr'): string[] {
  const lines: string[] = [];
  const masker = privateKeyLineMasker(mask, (line) => lines.push(line));
  for (const line of text.split(/\r?\n/)) masker.line(line, stream);
  masker.end();
  return lines;
}

/**
 * Every call's output lines with the private keys it prints masked: a call is one attempt, so it starts with none
 * open. The lines held back are said before the call's end is heard, and as it is stopped: a stopped attempt ends
 * then, and what it printed before must not come after its end.
 */
export function maskingPrivateKeyLines(invoke: InvokeTool, mask: string): InvokeTool {
  return async (call) => {
    const masker = privateKeyLineMasker(mask, (line, stream) => call.onOutput(line, stream));
    call.signal.addEventListener('abort', masker.end, { once: true });
    try {
      return await invoke({ ...call, onOutput: masker.line });
    } finally {
      call.signal.removeEventListener('abort', masker.end);
      masker.end();
    }
  };
}
