import { plural } from '../planning/plural.js';
import { groupNames, stopLeftoverGroups, unsureGroupsText, type RecordedGroup } from './process-groups.js';
import { containerNames, removeContainers, unremovedContainersText, type StartedContainer } from './started-containers.js';

// Bounds each engine command removing a leftover container: an engine that hangs must not hold a resume or a worker's start.
const LEFTOVER_REMOVE_TIMEOUT_MS = 15_000;
// Stop at once is quick: what the engine does not remove by then is left recorded for whoever comes next.
const STOP_NOW_REMOVE_TIMEOUT_MS = 2000;

/** Where the clean-up says what it did (`done`: news, with what and how many, for a log entry) and what it could not. */
export type CleanUpNews = {
  readonly done: (what: 'processGroups' | 'containers', count: number, text: string) => void;
  readonly warn: (text: string) => void;
};

/**
 * What a dead owner (a run killed with kill -9, a killed worker; `by` names it: "the interrupted
 * run") left running: its process groups are stopped and its containers removed, where still
 * provably its own, before its steps run again. Resolves to the containers that may still be there.
 * `describe` names a group's leader (default: its command line).
 */
export async function clearLeftovers(groups: readonly RecordedGroup[], containers: readonly StartedContainer[], by: string, news: CleanUpNews, describe?: (pid: number) => string | undefined): Promise<StartedContainer[]> {
  const { stopped, unsure } = await stopLeftoverGroups(groups, undefined, describe);
  if (stopped.length > 0) news.done('processGroups', stopped.length, `stopped ${plural(stopped.length, 'process group')} left running by ${by}: ${groupNames(stopped)}`);
  if (unsure.length > 0) news.warn(unsureGroupsText(unsure, by));
  // Their containers outlive the clients just stopped, and would refuse the steps' names.
  return removeSaying(containers, LEFTOVER_REMOVE_TIMEOUT_MS, `left running by ${by}`, `${by} left`, news);
}

/** A stop at once: removes the containers of the steps it abandons. Resolves to those that may still be there. */
export function removeStoppedContainers(containers: readonly StartedContainer[], news: CleanUpNews): Promise<StartedContainer[]> {
  return removeSaying(containers, STOP_NOW_REMOVE_TIMEOUT_MS, 'the stopped steps had started', 'the stopped steps had started', news);
}

async function removeSaying(containers: readonly StartedContainer[], timeoutMs: number, how: string, by: string, news: CleanUpNews): Promise<StartedContainer[]> {
  const { removed, failed, unknown } = await removeContainers(containers, timeoutMs);
  if (removed.length > 0) news.done('containers', removed.length, `removed ${plural(removed.length, 'container')} ${how}: ${containerNames(removed)}`);
  if (failed.length > 0) news.warn(unremovedContainersText(failed, by));
  return [...failed, ...unknown];
}
