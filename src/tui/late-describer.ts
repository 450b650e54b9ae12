import type { ToolDescriber } from './plan-lines.js';

/**
 * The chat's describer before its tools are loaded (they load with the engine,
 * after the first frame). Every call goes to the real describer once `resolve`
 * gave it. Nothing shows a plan before then: plans come from the session, which
 * starts after the tools; until then calls answer as for an unknown tool.
 */
export function lateDescriber(): { readonly describer: ToolDescriber; resolve(real: ToolDescriber): void } {
  let real: ToolDescriber | undefined;
  const describer: ToolDescriber = {
    describe: (tool, args) => (real ? real.describe(tool, args) : JSON.stringify(args)),
    risk: (tool) => real?.risk(tool),
    kubeScope: (tool, args) => real?.kubeScope?.(tool, args),
    get kube() {
      return real?.kube;
    },
    get assess() {
      return real?.assess;
    },
    get shellKube() {
      return real?.shellKube;
    },
    get workers() {
      return real?.workers;
    },
  };
  return {
    describer,
    resolve: (given) => {
      real = given;
    },
  };
}
