/** Every document with unsaved changes registers here, so exit and signal handlers can flush them all. */
type Flushable = { flush(): Promise<void> };

const open = new Set<Flushable>();

export function trackDocument(document: Flushable): () => void {
  open.add(document);
  return () => open.delete(document);
}

/** Writes everything still pending; resolves when all of it is on disk (or failed). */
export async function flushAllDocuments(): Promise<void> {
  await Promise.allSettled([...open].map((document) => document.flush()));
}
