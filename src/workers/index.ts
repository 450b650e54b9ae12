export { checkRedis, parseRedisUrl, describeRedisError, RedisUnavailableError, MIN_REDIS_VERSION } from './redis-connection.js';
export type { RedisTarget } from './redis-connection.js';
export { RemoteSteps, RemoteStepError, DEFAULT_WORKER_WAIT_MS } from './remote-steps.js';
export type { RemoteStepsOptions } from './remote-steps.js';
export { StepWorker, DEFAULT_STALL_TIMINGS } from './step-worker.js';
export type { StepWorkerOptions, StallTimings, WorkerLogEntry } from './step-worker.js';
export { liveWorkers, offers, HEARTBEAT_MS, LIVE_WITHIN_MS } from './worker-registry.js';
export type { WorkerInfo } from './worker-registry.js';
export { WORKER_NAME_PATTERN, labelQueue, jobId } from './queue-names.js';
