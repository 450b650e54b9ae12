/**
 * Waits for `work` at most `ms`: true when it settled (fulfilled or rejected) in time, false when the
 * time ran out. BullMQ's opening and closing wait on Redis, which may never answer; callers go on.
 */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = work.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
