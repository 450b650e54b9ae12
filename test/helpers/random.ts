import { Random } from '../../bench/random.js';

/** A deterministic pseudo-random sequence in [0, 1) (the bench's mulberry32), for retry jitter and "random" moments that repeat every run. */
export function seededRandom(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}
