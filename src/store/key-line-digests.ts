import { createHash } from 'node:crypto';
import { REDACTED } from '../planning/redacted.js';

/**
 * A private key written into a plan is stored as *** (the record never holds it), and every line of it is one of the
 * run's secrets while the process that had the plan in hand runs it: a step printing its lines without their header
 * (`sed -n 2,4p id_rsa`) shows ***. A resumed run has only the record, so the record keeps a digest of each of the
 * key's body lines, salted with the run's id, by which a resumed run knows them again when a step prints them. A
 * digest only tells whether a given line is that line (one holding public-key material only can be confirmed by
 * whoever has the public key); a line shorter than MIN_LINE is left out: a few characters could be found by trying
 * every one against their digest.
 */
const MIN_LINE = 16;
/** A line of a key's body: base64 and long enough that its digest gives nothing away. */
const BODY_LINE = new RegExp(`^[A-Za-z0-9+/]{${MIN_LINE},}={0,2}$`);
/** A run of base64 in printed text, as a key's body line stands on its own line or after a prefix (`id_rsa:2:`). */
const BASE64_RUN = new RegExp(`[A-Za-z0-9+/]{${MIN_LINE},}={0,2}`);
const BASE64_RUNS = new RegExp(BASE64_RUN.source, 'g');

/** The digests of the body lines of the keys written into a run's plan, as its record keeps them. */
export function keyLineDigests(runId: string, keys: readonly string[]): string[] {
  const digests = new Set<string>();
  for (const key of keys) {
    for (const line of key.split(/\r?\n/)) {
      const text = line.trim();
      if (BODY_LINE.test(text)) digests.add(digest(runId, text));
    }
  }
  return [...digests];
}

/** Hides each run of base64 in a text that is one of these lines, known by its digest; undefined when there are none. */
export function keyLineHider(runId: string, digests: readonly string[] | undefined): ((text: string) => string) | undefined {
  if (digests === undefined || digests.length === 0) return undefined;
  const known = new Set(digests);
  return (text) => (BASE64_RUN.test(text) ? text.replace(BASE64_RUNS, (run) => (known.has(digest(runId, run)) ? REDACTED : run)) : text);
}

function digest(runId: string, line: string): string {
  return createHash('sha256').update(`${runId}\n${line}`).digest('hex').slice(0, 32);
}
