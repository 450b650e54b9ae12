import { recordedRedisUrl, redisFlagHint, sameRedisServer } from '../planning/redis-hints.js';

export { hasAuthority, maskedRedisUrl, recordedRedisUrl, REDIS_URL_FORM, redisFlagHint, redisServerOf, runCommandHint, sameRedisServer, shownRedisUrl, userInfoCutShort, writtenRedisUrlProblem } from '../planning/redis-hints.js';

/**
 * Why a run that sent its steps to workers through `recorded` cannot be resumed or cancelled through `url` (none,
 * or another server), in one line; undefined when it can. Another Redis has none of its jobs: a resume would run
 * again what its workers finished (or run their steps here), a cancel would stop nothing and call it cancelled.
 */
export function otherRedisRefusal(runId: string, recorded: string | undefined, url: string | undefined, command: 'resume' | 'cancel'): string | undefined {
  const why = otherRedisReason(runId, recorded, url, command);
  return why === undefined ? undefined : `run ${runId} ${why}`;
}

/**
 * otherRedisRefusal's words after `run <id>`, for a sentence that names the run its own way (the chat's `Run <id> …`).
 * Only a URL known to name the recorded server goes on: two names are not looked up (a name that does not resolve,
 * or resolves slowly, would let a cancel through to another Redis, or keep the process waiting on the resolver), so
 * any doubt refuses, and the refusal names the recorded URL to pass instead.
 */
export function otherRedisReason(runId: string, recorded: string | undefined, url: string | undefined, command: 'resume' | 'cancel'): string | undefined {
  if (recorded === undefined) return undefined;
  if (url === undefined) {
    const why = command === 'resume' ? 'resume it there' : 'to stop its jobs there too, cancel it with';
    return `sent its steps to workers through ${recorded}; ${why}: ksa ${command} ${runId}${redisFlagHint(recorded)}`;
  }
  if (sameRedisServer(recorded, url) !== true) {
    const there = command === 'resume' ? 'its jobs and their results are there' : 'its jobs are there, and none of them would be stopped';
    return `sent its steps to workers through ${recorded}, not ${recordedRedisUrl(url)}: ${there}; ${command} it with${redisFlagHint(recorded)}`;
  }
  return undefined;
}
