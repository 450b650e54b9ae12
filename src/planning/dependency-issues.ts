import { buildGraph, descendantIds, type GraphNode, type PlanGraph } from './graph.js';
import { didYouMean } from './suggest.js';
import { STEP_ID_PATTERN } from './schema.js';
import type { IssueCode, IssuePath } from './validation-issues.js';

/**
 * The plan's graph, adding its duplicate ids, unknown and self dependencies and cycles as issues: they come out
 * of building it, one pass, one id index.
 */
export function dependencyGraph(nodes: readonly GraphNode[], add: (code: IssueCode, path: IssuePath, message: string) => void): PlanGraph {
  const dependencyProblems: { i: number; j: number; dep: string; self: boolean }[] = [];
  const graph = buildGraph(nodes, {
    onDuplicateId: (i, first) => {
      const id = nodes[i]!.id;
      if (STEP_ID_PATTERN.test(id)) add('duplicate_id', ['steps', i, 'id'], `duplicate step id "${id}" (already used by steps[${first}])`);
    },
    onSelfDependency: (i, j, dep) => dependencyProblems.push({ i, j, dep, self: true }),
    onUnknownDependency: (i, j, dep) => dependencyProblems.push({ i, j, dep, self: false }),
  });
  for (const { i, j, dep, self } of dependencyProblems) {
    if (self) add('self_dependency', ['steps', i, 'dependsOn', j], `step "${dep}" cannot depend on itself`);
    else add('unknown_dependency', ['steps', i, 'dependsOn', j], `unknown step "${dep}"${didYouMean(dep, dependableIds(graph, i))}`);
  }
  for (const cycle of graph.cycles) {
    const at = Math.max(graph.indexOfId(cycle[0]!), 0);
    add('cycle', ['steps', at, 'dependsOn'], `dependency cycle: ${cycle.join(' -> ')} (each step depends on the next); remove one dependsOn entry`);
  }
  return graph;
}

/** The ids step i may depend on: not its own, nor those of steps that depend on it (that would be a cycle). */
function* dependableIds(graph: PlanGraph, i: number): Iterable<string> {
  const after = new Set(descendantIds(graph, i));
  for (const id of graph.indexOf.keys()) if (id !== graph.ids[i] && !after.has(id)) yield id;
}
