/**
 * What an HTML page says, for a one-line message: its title, else its text without tags (a first
 * heading set off from the words after it: `Upstream error: CUDA out of memory`). A proxy's error
 * page or another server on the port answers with a page; quoted as it came, the message would be
 * `<!DOCTYPE HTML> <html lang="en"> …`.
 * Undefined when the text is not an HTML page.
 */
export function htmlGist(text: string): string | undefined {
  const page = text.trim();
  if (!/^<(?:!doctype|html|head|body|title|h1)/i.test(page)) return undefined;
  const title = textOf(/<title[^>]*>([\s\S]*?)<\/title>/i.exec(page)?.[1] ?? '');
  if (title) return title;
  // Without a title the heading alone may be generic ("Upstream error"): the server's words follow it.
  const body = page.replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<\/h1\s*>/i, '\u0000');
  const [heading = '', rest = ''] = body.split('\u0000').map(textOf);
  return heading && rest ? `${heading.replace(/[:.]$/, '')}: ${rest}` : heading || rest;
}

function textOf(html: string): string {
  return decodeEntities(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

function decodeEntities(text: string): string {
  return text.replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
