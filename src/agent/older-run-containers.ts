import type { RunRecord } from '../store/index.js';
import { containerNamedBy, isContainerRun, runContainerName, type StartedContainer } from '../tools/index.js';

const ENGINES = new Set(['podman', 'docker']);
// A container run inside a shell line: not parsed for its name, only said.
const SHELL_CONTAINER_RUN = /\b(?:podman|docker)\b[^|;&\n]*\brun\b/;

export type OlderRunContainers = {
  /** Found by the names the interrupted steps gave: to remove as recorded ones are. */
  readonly containers: readonly StartedContainer[];
  /** A warning when some step may have left a container that cannot be found (no name, a templated one, a shell line). */
  readonly warning?: string;
};

/**
 * A run an older ksa (a record without `format` when taken over) was interrupted in recorded no containers: its steps that were
 * running a container `run` left them running, holding their names against the steps' next attempts. Each such
 * podman/docker step's container is found by the `--name` it gave (and only if created since the step began);
 * the others are said, so the user can look.
 */
export async function olderRunContainers(record: RunRecord, olderFormat: boolean): Promise<OlderRunContainers> {
  if (!olderFormat) return { containers: [] };
  const containers: StartedContainer[] = [];
  const unfound: string[] = [];
  for (const step of record.plan.steps) {
    const st = record.state.steps[step.id];
    if (st?.status !== 'running' || st.startedAt === undefined || step.type === 'condition' || step.type === 'llm_query') continue;
    const args = (step.args as { args?: unknown }).args;
    if (ENGINES.has(step.tool) && Array.isArray(args) && args.every((arg) => typeof arg === 'string')) {
      if (!isContainerRun(args)) continue;
      const name = runContainerName(args);
      if (name === undefined || name.includes('{{')) {
        unfound.push(step.id);
        continue;
      }
      const found = await containerNamedBy(step.tool, args, st.startedAt);
      if (found && !containers.some((container) => container.id === found.id)) containers.push(found);
    } else if (step.tool === 'shell' && SHELL_CONTAINER_RUN.test(String((step.args as { command?: unknown }).command ?? ''))) {
      unfound.push(step.id);
    }
  }
  if (unfound.length === 0) return { containers };
  const warning = `run ${record.runId} was started by an older ksa, which did not record the containers its steps started: containers that ${unfound.join(', ')} started may still run; check with: podman ps (or docker ps)`;
  return { containers, warning };
}
