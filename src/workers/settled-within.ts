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

/**
 * As settledWithin, for work that talks to Redis as long as it takes: false only once Redis has answered
 * nothing for `silentMs` (`lastAnswer`: when it last did). A long scan is not a Redis out of reach.
 */
export async function settledWhileAnswering(work: Promise<unknown>, silentMs: number, lastAnswer: () => number): Promise<boolean> {
  for (;;) {
    const left = lastAnswer() + silentMs - Date.now();
    if (left <= 0) return false;
    if (await settledWithin(work, left)) return true;
  }
}
