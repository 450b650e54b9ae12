/** The simulated clock lives in the planning core (the benchmark uses it too); tests import it from here. */
export { VirtualClock, settle, type RunOptions } from '../../src/planning/index.js';
