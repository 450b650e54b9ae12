import { keyAfterBodyLine, keyBodyLine, keyFooterEnd, keysStartingIn, maskSpans, type OpenKey } from './private-key-armour.js';
import type { InvokeTool, OutputStream } from './tool-call.js';

/**
 * What a tool prints a line at a time (`cat id_rsa`, a secret decoded by `base64 -d`) shows a private key's body on
 * lines of bare base64, with no shape of their own: only the header says what follows. So each stream remembers a
 * key it opened, and each line after it is `mask` while it can be the key's body, up to its footer (the footer's line
 * too). The first line that cannot be (`deploy ok` after a header grep found in a document) ends it and is shown.
 * A line that opens none has its keys masked (header to footer, or to the line's end). A body line on the other
 * stream while one is open (`head -1 key >&2` between) is masked too, without opening or closing anything.
 */
export function privateKeyLineMasker(mask: string): (line: string, stream: OutputStream) => string {
  const open: Record<OutputStream, OpenKey | undefined> = { stdout: undefined, stderr: undefined };
  return (line, stream) => {
    const key = open[stream];
    if (key) {
      const through = keyThroughLine(line, key);
      if (through.inKey) {
        open[stream] = through.after;
        return mask;
      }
      open[stream] = undefined;
    }
    const other = open[stream === 'stdout' ? 'stderr' : 'stdout'];
    if (other && line.trim() !== '' && keyBodyLine(line, other)) return mask;
    const found = keysStartingIn(line);
    open[stream] = found.open?.key;
    const spans = found.open ? [...found.closed, [found.open.at, line.length] as const] : found.closed;
    return maskSpans(line, spans, mask);
  };
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
  const masked = privateKeyLineMasker(mask);
  return text.split(/\r?\n/).map((line) => masked(line, stream));
}

/** Every call's output lines with the private keys it prints masked: a call is one attempt, so it starts with none open. */
export function maskingPrivateKeyLines(invoke: InvokeTool, mask: string): InvokeTool {
  return (call) => {
    const masked = privateKeyLineMasker(mask);
    return invoke({ ...call, onOutput: (line, stream) => call.onOutput(masked(line, stream), stream) });
  };
}
