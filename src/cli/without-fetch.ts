/**
 * Runs `load` while `globalThis.fetch` reads as undefined, then puts it back.
 * Node creates fetch (undici, ~50–100 ms of loading) the first time anyone
 * reads it; the TUI's layout engine (yoga) only checks whether fetch exists to
 * decide how to read its embedded WebAssembly, which it can decode without it.
 * Reading the property descriptor does not create fetch; the model SDK reads
 * fetch when it makes a request, long after the first frame.
 */
export function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (!descriptor?.configurable) return load();
  Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true, enumerable: descriptor.enumerable ?? false });
  const restore = () => Object.defineProperty(globalThis, 'fetch', descriptor);
  let loading: Promise<T>;
  try {
    loading = load();
  } catch (error) {
    restore();
    throw error;
  }
  return loading.finally(restore);
}
