// esbuild writes the code ASCII-only (it escapes non-ASCII characters in strings and names) but copies
// comments as they are. One "—" in a comment makes Node hold the whole file as a two-byte string and
// re-encode it to UTF-8 to look it up in the compile cache, at every start: about 6 % of `ksa validate`.
// So the characters left outside ASCII are escaped too, where that provably changes nothing but
// comments: the file without comments must print the same before and after.
import { transform } from 'esbuild';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const NON_ASCII = /[^\x00-\x7f]/u;
/** Beyond Latin-1: what makes a two-byte string. */
const WIDE = /[^\x00-\xff]/u;

/** The code of a file as esbuild prints it without comments or layout. */
async function withoutComments(code) {
  return (await transform(code, { loader: 'js', minifyWhitespace: true, charset: 'utf8' })).code;
}

const escape = (char) => `\\u{${char.codePointAt(0).toString(16)}}`;

/**
 * Rewrites each .js file under `dir` with its non-ASCII characters as \u escapes when that changes
 * only comments; else with those beyond Latin-1 escaped, on the same condition (a file of Latin-1
 * characters is still held one byte per character).
 */
export async function asciiOnly(dir) {
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = await readFile(file, 'utf8');
    if (!NON_ASCII.test(text)) continue;
    const code = await withoutComments(text);
    for (const pattern of [NON_ASCII, WIDE]) {
      const candidate = text.replace(new RegExp(pattern, 'gu'), escape);
      if (candidate === text) break;
      if ((await withoutComments(candidate)) === code) {
        await writeFile(file, candidate);
        break;
      }
      if (pattern === WIDE) console.warn(`bundle: ${path.relative(dir, file)} keeps characters beyond Latin-1 outside comments (slower to start)`);
    }
  }
}
