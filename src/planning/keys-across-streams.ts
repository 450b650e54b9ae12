import { KEY_HEADER_HINT, keyBodyLine, keyFooterEnd, type OpenKey } from './private-key-armour.js';
import type { OutputStream } from './tool-call.js';

/**
 * A private key a process prints across its two streams: its header on one (`head -1 key >&2`), its body and footer
 * on the other. Two pipes have no order between them: a quick process has written both before they are read, and
 * then the one read first (stdout, mostly) shows the body before the other shows the header. So a line of a stream
 * that may begin a key's body, where neither stream has a key open, is held with the lines after it that can be its
 * body, until the stream shows what they are:
 * - its footer (`-----END … PRIVATE KEY-----`, shown as it is): they were a key's body, and are masked;
 * - a header on the other stream meanwhile: they are the body of that key, and are masked;
 * - another line, or the end of the output: they are masked when the other stream has a key open then, else shown.
 * A line of the body of the key the other stream has open (read after its header) is masked as it comes.
 * `Line`: what a reader keeps of a held line to settle it (its text, where it lies in a stream's bytes).
 */
export class KeysAcrossStreams<Line> {
  private readonly open: Record<OutputStream, OpenKey | undefined> = { stdout: undefined, stderr: undefined };
  private readonly held: Record<OutputStream, Line[]> = { stdout: [], stderr: [] };
  private readonly heldChars: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
  /** In a run of base64 lines longer than any key's body (a file dumped with `base64`): shown as it comes. */
  private readonly pastKeys: Record<OutputStream, boolean> = { stdout: false, stderr: false };

  constructor(private readonly settle: (stream: OutputStream, lines: readonly Line[], masked: boolean) => void) {}

  /** The key a stream has open, as its reader left it. */
  keyOf(stream: OutputStream): OpenKey | undefined {
    return this.open[stream];
  }

  /** The key `stream` has open after a line, as its reader reads it: a key it opens has the other stream's held lines as its body. */
  opened(stream: OutputStream, key: OpenKey | undefined): void {
    const before = this.open[stream];
    this.open[stream] = key;
    if (key !== undefined && before === undefined) this.release(otherStream(stream), true);
  }

  /**
   * A line of `stream` outside any key of its own. `masked`: the body of the key the other stream has open. `held`:
   * it may be a key's body, settled later. `own`: the stream reads it as its own, what it held before settled first.
   */
  line(stream: OutputStream, text: string, line: Line): 'masked' | 'held' | 'own' {
    const other = this.open[otherStream(stream)];
    if (other !== undefined && text.trim() !== '' && keyBodyLine(text, other)) {
      this.release(stream, true);
      return 'masked';
    }
    const held = this.held[stream];
    if (held.length === 0 && !this.pastKeys[stream]) {
      // Most lines: nothing is held, and they cannot begin a key's body. One with a key's header is its own stream's key.
      if (!BODY_START.test(text) || KEY_HEADER_HINT.test(text)) return 'own';
    } else {
      const bodyLike = !KEY_HEADER_HINT.test(text) && keyBodyLine(text, BARE_KEY);
      if (this.pastKeys[stream]) {
        this.pastKeys[stream] = bodyLike;
        return 'own';
      }
      if (!bodyLike) {
        this.release(stream, other !== undefined || keyFooterEnd(text) !== -1);
        return 'own';
      }
    }
    held.push(line);
    this.heldChars[stream] += text.length;
    if (held.length > MAX_BODY_LINES || this.heldChars[stream] > MAX_BODY_CHARS) {
      this.release(stream, false);
      this.pastKeys[stream] = true;
    }
    return 'held';
  }

  /** The output has ended: what is still held is a key's body when the other stream has a key open. */
  end(): void {
    for (const stream of STREAMS) this.release(stream, this.open[otherStream(stream)] !== undefined);
  }

  private release(stream: OutputStream, masked: boolean): void {
    const held = this.held[stream];
    if (held.length === 0) return;
    this.held[stream] = [];
    this.heldChars[stream] = 0;
    this.settle(stream, held, masked);
  }
}

const STREAMS = ['stdout', 'stderr'] as const;

function otherStream(stream: OutputStream): OutputStream {
  return stream === 'stdout' ? 'stderr' : 'stdout';
}

/** A key whose header had nothing before it: what lines can be its body, blank lines and armour fields included. */
const BARE_KEY: OpenKey = { prefix: /^\s*/, footer: true };

/**
 * What a key's body starts with: a base64 line as long as a key's lines are (PEM's 64 characters, OpenSSH's 70;
 * only its last line is shorter), or an armour field an encrypted PEM key begins with. Shorter base64 (a word, a
 * hash) is shown as it comes.
 */
const BODY_START = /^\s*(?:[A-Za-z0-9+/]{40,}={0,2}|(?:Proc-Type|DEK-Info):.*)\s*$/i;

/** More lines, or characters, than the body of the largest key (a 16384-bit RSA key's: some 150 lines, 10 KiB): a dump of base64, not a key. */
const MAX_BODY_LINES = 512;
const MAX_BODY_CHARS = 32 * 1024;
