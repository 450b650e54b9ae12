/**
 * What an HTML page says, for a one-line message: its title, else its first heading, else its
 * text without tags. A proxy's error page or another server on the port answers with a page;
 * quoted as it came, the message would be `<!DOCTYPE HTML> <html lang="en"> …`.
 * Undefined when the text is not an HTML page.
 */
export function htmlGist(text: string): string | undefined {
  const page = text.trim();
  if (!/^<(?:!doctype|html|head|body|title|h1)/i.test(page)) return undefined;
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(page)?.[1];
  const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(page)?.[1];
  const body = page.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ');
  return decodeEntities((title ?? heading ?? body).replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

function decodeEntities(text: string): string {
  return text.replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
