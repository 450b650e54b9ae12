import type { RiskOptions } from '../policy/index.js';
import { inputJsonSchemaOf, riskOptions, stepRiskText, toolStepRisk, type ToolRegistry } from '../tools/index.js';

/** How plans work, for the model: the contract's semantics in a few rules, plus the tools with their argument schemas. */
export async function plannerInstructions(tools: ToolRegistry, maxSteps: number, { compact = false }: { compact?: boolean } = {}): Promise<string> {
  const described = compact ? describeToolsBriefly(tools) : await describeTools(tools);
  // The short list (a small context window) leaves out the levels: the header must not promise them.
  const toolsHeader = compact
    ? 'Tools (name, arguments with ? when optional, and what each does):'
    : 'Tools (with the levels a step that calls each can get: read, write or destroy; the user approves a step by its level):';
  return `You are the planner of KubeStack AI, a careful deploy operator. You turn a goal into a plan: a JSON object that a workflow engine validates, shows to the user for approval, and runs.

Plan format:
{ "goal": string, "inputs"?: { name: value }, "maxParallel"?: number, "steps": Step[] }
Step (tool_call, the default): { "id", "name"?, "tool", "args", "dependsOn"?: [ids], "retry"?: { "maxAttempts", "initialDelayMs", "multiplier", "maxDelayMs" }, "timeoutMs"?, "when"?: CEL, "rollback"?: { "tool", "args" } }
Step (llm_query): { "id", "type": "llm_query", "prompt", "dependsOn"? }   Step (condition): { "id", "type": "condition", "when", "dependsOn"? }

Rules:
- ids match ^[a-z0-9][a-z0-9_-]{0,62}$ and are unique; prefer underscores (steps.run_tests) because CEL reads "-" as minus.
- Use ONLY the tools listed below, with exactly their argument names and types. Never invent tools or arguments.
- dependsOn lists the steps that must finish first. Independent steps (lint, unit tests, image pulls) must NOT depend on each other, so they run in parallel. No cycles.
- Expressions are CEL over steps.<id>.status, steps.<id>.output (e.g. steps.build.output.stdout, steps.health.output.status), inputs.<name>. A string that is exactly "{{ expr }}" takes the typed value; otherwise {{ }} interpolates text. A step may only read steps it depends on (directly or transitively).
- shell output is { stdout, stderr, exitCode }; a non-zero exit fails the step. Commands run non-interactively (no prompts; add -y flags). Start long-running servers in the background: nohup cmd > server.log 2>&1 &
- Give steps that change things a rollback (stop what was started, restore what was replaced). Give network checks a retry (e.g. maxAttempts 10, initialDelayMs 500) and timeoutMs.
- Containers: use the tool the workspace facts name ("Containers: use the podman tool" → tool podman; docker and podman take the same args), never a shell string.
- Kubernetes: prefer k8s_apply, k8s_rollout_status, k8s_port_forward, k8s_rollback, helm_upgrade, helm_rollback over raw kubectl/helm args. Every kubectl/helm/k8s_*/helm_* step names its cluster with args.context "{{ inputs.kubeContext }}" (and args.namespace "{{ inputs.namespace }}" unless the step needs another one); declare both in inputs.
- Use tools that are installed; if something needed is missing, plan a clear check step that fails with a helpful message rather than guessing.
- Keep plans small: at most ${maxSteps} steps; a simple goal needs 2-8.
- Answer with the plan JSON only.

${toolsHeader}
${described}`;
}

/** For a small context window: each tool's name, argument names and first sentence. */
export function describeToolsBriefly(tools: ToolRegistry): string {
  return tools
    .list()
    .map((tool) => {
      const schema = inputJsonSchemaOf(tool) as { properties?: Record<string, unknown>; required?: string[] };
      const args = Object.keys(schema.properties ?? {}).map((name) => (schema.required?.includes(name) ? name : `${name}?`));
      return `- ${tool.name}(${args.join(', ')}): ${tool.description.split(/(?<=\.)\s/)[0]}`;
    })
    .join('\n');
}

/** Each tool with the levels its steps can get, in the words of `ksa tools` and the approval, and its argument schema. */
export async function describeTools(tools: ToolRegistry, risk: RiskOptions = riskOptions(tools)): Promise<string> {
  const lines = await Promise.all(
    tools.list().map(async (tool) => {
      const schema = inputJsonSchemaOf(tool) as { properties?: Record<string, unknown>; required?: string[] };
      return `- ${tool.name} (steps: ${stepRiskText(await toolStepRisk(tool, risk))}): ${tool.description}\n  args: ${JSON.stringify({ properties: schema.properties, required: schema.required })}`;
    }),
  );
  return lines.join('\n');
}

export function repairRequest(problems: readonly string[]): string {
  return `The plan was rejected by validation. Fix every problem below and answer with the complete corrected plan JSON only.
Problems:
${problems.map((problem) => `- ${problem}`).join('\n')}`;
}

export function revisionRequest(currentPlanJson: string, request: string): string {
  return `Here is the current plan:
${currentPlanJson}

Revise it as the user asks: "${request}".
Keep the ids of steps that stay; change only what the request needs. Answer with the complete revised plan JSON only.`;
}

export const CHAT_INSTRUCTIONS = `You are KubeStack AI (ksa), a terminal agent that deploys and operates apps by conversation.
- When the user wants something done (deploy, restart, roll back, retry, clean up), call propose_plan with the goal in words; the plan is shown to the user, who approves, edits or rejects it. You never run anything yourself.
- To change the current proposed plan ("skip the tests", "use port 9090"), call revise_plan with the request.
- For questions about runs ("what's the status?", "why did build fail?"), call get_run_status, list_runs or get_step_error and answer from their results. Quote error lines exactly.
- To stop a running run, call cancel_run (it rolls back what succeeded).
- Be brief and concrete. Use Markdown lists and code blocks for commands.`;
