import { withKnownInputs } from '../planning/known-inputs.js';
import { assessPlanRisk } from '../policy/index.js';
import { riskOptions, shellStepScopes, type ToolRegistry } from '../tools/index.js';
import type { ToolDescriber } from './plan-lines.js';

/** How the plan view shows a call: the tool's own one-line rendering, or the raw arguments. */
export function describer(registry: ToolRegistry, kube?: ToolDescriber['kube']): ToolDescriber {
  return {
    kube,
    kubeScope(tool, args) {
      try {
        return registry.get(tool)?.kubeScope?.(args);
      } catch {
        return undefined;
      }
    },
    describe(tool, args) {
      const found = registry.get(tool);
      if (!found) return JSON.stringify(args);
      try {
        return found.describe(args);
      } catch {
        return JSON.stringify(args);
      }
    },
    risk: (tool) => registry.get(tool)?.risk,
    // Rated as it will run: with the plan's inputs filled in.
    assess: (plan) => assessPlanRisk(withKnownInputs(plan, {}), riskOptions(registry)),
    // Read as the line will run too: `kubectl -n {{ inputs.namespace }}` names the input's namespace.
    shellKube: (plan) => shellStepScopes(withKnownInputs(plan, {}), kube?.context),
  };
}
