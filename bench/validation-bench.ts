import { clearExpressionCache, validatePlan, type ToolCatalog } from '../src/planning/index.js';
import { createBuiltinRegistry } from '../src/tools/index.js';
import { Random } from './random.js';
import { collectGarbage, median } from './stats.js';

export type ValidationFigures = {
  readonly ms10k: number;
  readonly ms100k: number;
  /** time(100k) ÷ time(10k); 10 is linear. */
  readonly ratio100kTo10k: number;
  readonly usPerStep100k: number;
  /** Share of steps with a `when` or a template (each a CEL expression to compile and check). */
  readonly expressionShare: number;
  /** Fastest of the 100k runs: the least disturbed by other load on the machine. */
  readonly minMs100k: number;
  /** JSON.parse of the same 100k-step document's text, in the same run: the yardstick. */
  readonly jsonParseMs100k: number;
  /** validation ÷ JSON.parse: how many times reading the file validating costs. */
  readonly vsJsonParse100k: number;
};

/**
 * A plan document as `ksa validate` gets it from a YAML/JSON file: plain
 * objects, no defaults applied, ids with dashes, the built-in tools; names,
 * retries, timeouts, rollbacks and 1–3 dependencies among the 50 steps before.
 * With expressions, one step in five also has CEL: a `when` or a template
 * reading an earlier step's output (unique per step) or an input (shared).
 * Without, the same plan with those replaced by plain values.
 */
export function generateDocument(seed: number, n: number, withExpressions: boolean): { document: unknown; expressions: number } {
  const rng = new Random(seed);
  const id = (i: number) => `task-${i}`;
  let expressions = 0;
  const steps = Array.from({ length: n }, (_, i) => {
    const dependsOn: string[] = [];
    if (i > 0) {
      for (let k = rng.int(1, Math.min(3, i)); k > 0; k--) {
        const dep = id(rng.int(Math.max(0, i - 50), i - 1));
        if (!dependsOn.includes(dep)) dependsOn.push(dep);
      }
    }
    const step: Record<string, unknown> = { id: id(i) };
    if (rng.chance(0.5)) step.name = `Task ${i}`;
    const r = rng.next();
    const first = dependsOn[0];
    if (r < 0.7) {
      Object.assign(step, { tool: 'shell', args: { command: `make target-${i}` } });
    } else if (r < 0.8) {
      Object.assign(step, { tool: 'kubectl', args: { args: ['apply', '-f', `k8s/task-${i}.yaml`] } });
    } else if (r < 0.9) {
      const url = withExpressions ? 'http://localhost:{{ inputs.port }}/health' : 'http://localhost:8080/health';
      Object.assign(step, { tool: 'http', args: { url, expectStatus: 200 } });
      if (withExpressions) expressions++;
    } else if (r < 0.95 && first !== undefined && withExpressions) {
      Object.assign(step, { tool: 'shell', args: { command: `echo {{ steps["${first}"].output.stdout }}` } });
      expressions++;
    } else {
      Object.assign(step, { tool: 'shell', args: { command: `./check.sh ${i}` } });
      if (first !== undefined && withExpressions) {
        step.when = `steps["${first}"].status == "succeeded"`;
        expressions++;
      }
    }
    if (rng.chance(0.1)) step.retry = { maxAttempts: 3, initialDelayMs: 500 };
    if (rng.chance(0.2)) step.timeoutMs = 60_000;
    if (rng.chance(0.05)) step.rollback = { tool: 'shell', args: { command: `make undo-${i}` } };
    if (dependsOn.length > 0) step.dependsOn = dependsOn;
    return step;
  });
  return { document: { goal: `A generated ${n}-step plan`, inputs: { port: 8080 }, maxParallel: 8, steps }, expressions };
}

type Timings = { validate: number[]; parse: number[] };

/**
 * Validates the document once, and times JSON.parse reading its text (the
 * least any loader must spend on it) just before. The document validated is
 * the one JSON.parse made, as with `ksa validate plan.json`, and the
 * expression cache starts cold.
 */
function timeOnce(text: string, n: number, tools: ToolCatalog, into: Timings): void {
  collectGarbage();
  let started = performance.now();
  const document: unknown = JSON.parse(text);
  into.parse.push(performance.now() - started);
  clearExpressionCache();
  collectGarbage();
  started = performance.now();
  const result = validatePlan(document, { tools, maxSteps: n });
  into.validate.push(performance.now() - started);
  if (!result.ok) throw new Error(`the generated plan is invalid: ${result.issues.slice(0, 3).map((i) => i.message).join('; ')}`);
}

export function measureValidation(seed: number, quick: boolean, withExpressions: boolean): ValidationFigures {
  const tools = createBuiltinRegistry().catalog();
  const textOf = (n: number, s = seed) => JSON.stringify(generateDocument(s, n, withExpressions).document);
  const warm: Timings = { validate: [], parse: [] };
  for (let k = 0; k < 3; k++) timeOnce(textOf(2_000, seed + 1), 2_000, tools, warm); // JIT, not measured
  const small: Timings = { validate: [], parse: [] };
  const big: Timings = { validate: [], parse: [] };
  const smallText = textOf(10_000);
  const bigText = textOf(100_000);
  // Both sizes in every round, so load on the machine falls on both alike.
  // Nine rounds: on a shared machine five left the median of either side to one or two unlucky runs.
  for (let round = 0; round < (quick ? 3 : 9); round++) {
    timeOnce(smallText, 10_000, tools, small);
    timeOnce(bigText, 100_000, tools, big);
  }
  const ms100k = median(big.validate);
  const ms10k = median(small.validate);
  const { expressions } = generateDocument(seed, 100_000, withExpressions);
  return {
    ms10k,
    ms100k,
    ratio100kTo10k: ms100k / ms10k,
    usPerStep100k: (ms100k * 1000) / 100_000,
    expressionShare: expressions / 100_000,
    minMs100k: Math.min(...big.validate),
    jsonParseMs100k: median(big.parse),
    vsJsonParse100k: ms100k / median(big.parse),
  };
}
