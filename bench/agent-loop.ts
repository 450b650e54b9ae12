import { generateText, isStepCount, tool } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { parseTextToolCalls, planGoal, reflectOnRun, routeMessage } from '../src/agent/index.js';
import { Execution, VirtualClock, type Clock, type InvokeTool } from '../src/planning/index.js';
import { createBuiltinRegistry, ShellInputSchema } from '../src/tools/index.js';
import { agentTasks, sequentialOrder, type AgentTask } from './agent-tasks.js';
import { Random } from './random.js';
import { min } from './stats.js';

/**
 * P6: plan-and-execute (ours) against a ReAct-style AI SDK tool loop, on the
 * same tasks, in the same run, with the same simulated model latency per call
 * and the same tool latencies, under simulated time.
 *
 * Ours: one planner call (planGoal: structured output, full validation) →
 * the real Execution runs the DAG with maxParallel → one reflection call
 * (reflectOnRun), as `ksa ask --yes` does. The tool loop: generateText with
 * the same `shell` tool, one tool call per model turn (toolCallConcurrency 1),
 * dependencies first, then a final answer — N + 1 model calls.
 */

/** Simulated latency of one model call (a few hundred output tokens on a hosted or local model). */
export const MODEL_MS = 1_500;
export const MAX_PARALLEL = 4;
const MAX_VIRTUAL_MS = 3_600_000;

export type AgentRun = { readonly ms: number; readonly modelCalls: number; readonly toolCalls: number };

export type AgentTaskFigures = {
  readonly name: string;
  readonly steps: number;
  readonly planExecute: AgentRun;
  /** Ours when the planner's first answer is rejected (a cycle) and repaired once. */
  readonly planExecuteRepaired: AgentRun;
  readonly toolLoop: AgentRun;
  readonly speedup: number;
  readonly modelCallRatio: number;
  /** Without tool calling: ours routes the message first (1 structured call); the loop's calls are written as text. */
  readonly planExecuteNoTools: AgentRun;
  readonly toolLoopNoTools: AgentRun;
};

export type AgentFigures = {
  readonly modelMs: number;
  readonly maxParallel: number;
  readonly tasks: readonly AgentTaskFigures[];
  /** Σ tool-loop time ÷ Σ plan-and-execute time over the tasks. */
  readonly speedup: number;
  /** Σ tool-loop model calls ÷ Σ plan-and-execute model calls. */
  readonly modelCallRatio: number;
  readonly minSpeedup: number;
  readonly minModelCallRatio: number;
  /** The same ratios when every plan needs one repair round. */
  readonly repaired: { readonly speedup: number; readonly modelCallRatio: number };
  /** The same comparison for a model without tool calling (the chat's no-tools mode vs a loop of tool calls written as text). */
  readonly noTools: { readonly speedup: number; readonly modelCallRatio: number; readonly minSpeedup: number; readonly minModelCallRatio: number };
};

type Content = Awaited<ReturnType<MockLanguageModelV4['doGenerate']>>['content'];
type CallOptions = MockLanguageModelV4['doGenerateCalls'][number];

const USAGE = { inputTokens: { total: 500, noCache: 500, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 200, text: 200, reasoning: undefined } };

/** A model that answers every call after MODEL_MS of simulated time. */
function simulatedModel(clock: Clock, answer: (options: CallOptions) => Content): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doGenerate: (options) =>
      new Promise((resolve) => {
        clock.setTimer(MODEL_MS, () => {
          const content = answer(options);
          const calls = content.some((part) => part.type === 'tool-call');
          resolve({ content, finishReason: { unified: calls ? 'tool-calls' : 'stop', raw: undefined }, usage: USAGE, warnings: [] });
        });
      }),
  });
}

/** Tool work that takes its command's duration in simulated time. */
function sleepFor(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancel = clock.setTimer(ms, resolve);
    signal?.addEventListener('abort', () => (cancel(), reject(signal.reason)), { once: true });
  });
}

function durationOf(task: AgentTask, command: unknown): number {
  const ms = task.durations.get(String(command));
  if (ms === undefined) throw new Error(`task ${task.name}: no duration for ${String(command)}`);
  return ms;
}

const text = (value: string): Content => [{ type: 'text', text: value }];

const REFLECTION = JSON.stringify({ success: true, summary: 'All steps succeeded.', issues: [], suggestions: [] });

/** Ours: plan (1 call, or 2 with a repair), run the DAG, reflect (1 call). */
async function planAndExecute(task: AgentTask, repair: boolean): Promise<AgentRun> {
  const clock = new VirtualClock();
  const registry = createBuiltinRegistry();
  // A first answer with a cycle between the first two steps (validation sends it back once).
  const [first, second] = task.plan.steps;
  const cyclic = {
    ...task.plan,
    steps: task.plan.steps.map((step, i) => (i === 0 ? { ...step, dependsOn: [second!.id] } : i === 1 ? { ...step, dependsOn: [...(step.dependsOn ?? []), first!.id] } : step)),
  };
  let plannerCalls = 0;
  const model = simulatedModel(clock, (options) => {
    if (options.responseFormat?.type === 'json' && options.responseFormat.name === 'reflection') return text(REFLECTION);
    return text(JSON.stringify(repair && plannerCalls++ === 0 ? cyclic : task.plan));
  });
  let toolCalls = 0;
  const invokeTool: InvokeTool = ({ args, signal }) => {
    toolCalls++;
    return sleepFor(clock, durationOf(task, args.command), signal).then(() => ({ stdout: '', stderr: '', exitCode: 0 }));
  };
  const work = async () => {
    const { plan, attempts } = await planGoal(task.plan.goal, { model, tools: registry, maxRetries: 0 });
    if (attempts !== (repair ? 2 : 1)) throw new Error(`task ${task.name}: planned in ${attempts} attempts`);
    const state = await new Execution({ plan, runId: `p6-${task.name}`, clock, maxParallel: MAX_PARALLEL, random: () => 0, invokeTool }).start();
    if (state.status !== 'succeeded') throw new Error(`task ${task.name}: run ended ${state.status}: ${state.error}`);
    const { fallback } = await reflectOnRun({ plan, state, logTails: {} }, { model, maxRetries: 0 });
    if (fallback) throw new Error(`task ${task.name}: the reflection fell back`);
  };
  await clock.run(work(), { maxTimeMs: MAX_VIRTUAL_MS });
  return { ms: clock.elapsed, modelCalls: model.doGenerateCalls.length, toolCalls };
}

/**
 * Ours without tool calling, as the chat's no-tools mode and `ksa ask --yes`
 * do it: one structured call routes the message (routeMessage), then plan,
 * run, reflect.
 */
async function planAndExecuteNoTools(task: AgentTask): Promise<AgentRun> {
  const clock = new VirtualClock();
  const registry = createBuiltinRegistry();
  const model = simulatedModel(clock, (options) => {
    if (options.tools?.length) throw new Error('no-tools mode offered tools');
    if (options.responseFormat?.type === 'json' && options.responseFormat.name === 'route') return text(JSON.stringify({ action: 'propose', goal: task.plan.goal }));
    if (options.responseFormat?.type === 'json' && options.responseFormat.name === 'reflection') return text(REFLECTION);
    return text(JSON.stringify(task.plan));
  });
  let toolCalls = 0;
  const invokeTool: InvokeTool = ({ args, signal }) => {
    toolCalls++;
    return sleepFor(clock, durationOf(task, args.command), signal).then(() => ({ stdout: '', stderr: '', exitCode: 0 }));
  };
  const work = async () => {
    const { route } = await routeMessage({ model, history: [], text: task.plan.goal, maxRetries: 0 });
    if (route.action !== 'propose') throw new Error(`task ${task.name}: routed to ${route.action}`);
    const { plan } = await planGoal(route.goal ?? task.plan.goal, { model, tools: registry, maxRetries: 0 });
    const state = await new Execution({ plan, runId: `p6n-${task.name}`, clock, maxParallel: MAX_PARALLEL, random: () => 0, invokeTool }).start();
    if (state.status !== 'succeeded') throw new Error(`task ${task.name}: run ended ${state.status}: ${state.error}`);
    await reflectOnRun({ plan, state, logTails: {} }, { model, maxRetries: 0 });
  };
  await clock.run(work(), { maxTimeMs: MAX_VIRTUAL_MS });
  return { ms: clock.elapsed, modelCalls: model.doGenerateCalls.length, toolCalls };
}

/** A loop for a model without tool calling: each turn writes one call as text (<tool_call>), parsed, run, its result sent back as text. */
async function toolLoopNoTools(task: AgentTask): Promise<AgentRun> {
  const clock = new VirtualClock();
  const order = sequentialOrder(task);
  let done = 0;
  const model = simulatedModel(clock, (options) => {
    if (options.tools?.length) throw new Error('the text loop offered tools');
    const next = order[done];
    return next ? text(`<tool_call>{"name": "shell", "arguments": ${JSON.stringify(next.args)}}</tool_call>`) : text(`Done: ${order.length} commands ran.`);
  });
  let toolCalls = 0;
  const messages: { role: 'user' | 'assistant'; content: string }[] = [{ role: 'user', content: task.plan.goal }];
  const work = async () => {
    for (let turn = 0; turn < 100; turn++) {
      const result = await generateText({ model, instructions: 'You are a deploy agent. Write one <tool_call>{"name","arguments"}</tool_call> at a time (tool: shell); when everything is done, answer in one sentence.', messages, maxRetries: 0 });
      const { calls } = parseTextToolCalls(result.text, ['shell']);
      if (!calls.length) return;
      if (calls.length > 1 || !calls[0]!.known) throw new Error(`task ${task.name}: unexpected calls ${JSON.stringify(calls)}`);
      const { command } = ShellInputSchema.parse(JSON.parse(calls[0]!.input));
      toolCalls++;
      done++;
      await sleepFor(clock, durationOf(task, command));
      messages.push({ role: 'assistant', content: result.text }, { role: 'user', content: '[shell returned: {"exitCode":0}]' });
    }
  };
  await clock.run(work(), { maxTimeMs: MAX_VIRTUAL_MS });
  if (toolCalls !== order.length) throw new Error(`task ${task.name}: the text loop made ${toolCalls} of ${order.length} tool calls`);
  return { ms: clock.elapsed, modelCalls: model.doGenerateCalls.length, toolCalls };
}

/** ReAct: one tool call per model turn, in dependency order, then a final answer. */
async function toolLoop(task: AgentTask): Promise<AgentRun> {
  const clock = new VirtualClock();
  const order = sequentialOrder(task);
  const model = simulatedModel(clock, (options) => {
    const done = options.prompt.filter((message) => message.role === 'tool').reduce((n, message) => n + message.content.length, 0);
    const next = order[done];
    if (!next) return text(`Done: ${order.length} commands ran.`);
    return [{ type: 'tool-call', toolCallId: `call_${done}`, toolName: 'shell', input: JSON.stringify(next.args) }];
  });
  let toolCalls = 0;
  const shell = tool({
    description: 'Runs a shell command.',
    inputSchema: ShellInputSchema,
    execute: async ({ command }, { abortSignal }) => {
      toolCalls++;
      await sleepFor(clock, durationOf(task, command), abortSignal);
      return { stdout: '', stderr: '', exitCode: 0 };
    },
  });
  const run = generateText({
    model,
    instructions: 'You are a deploy agent. Call one tool at a time; when everything is done, answer in one sentence.',
    prompt: task.plan.goal,
    tools: { shell },
    stopWhen: isStepCount(100),
    toolCallConcurrency: 1,
    maxRetries: 0,
  });
  const result = await clock.run(run, { maxTimeMs: MAX_VIRTUAL_MS });
  if (result.steps.some((step) => step.toolCalls.length > 1)) throw new Error(`task ${task.name}: more than one tool call in a turn`);
  if (toolCalls !== order.length) throw new Error(`task ${task.name}: the tool loop made ${toolCalls} of ${order.length} tool calls`);
  return { ms: clock.elapsed, modelCalls: model.doGenerateCalls.length, toolCalls };
}

export async function measureAgent(seed: number): Promise<AgentFigures> {
  const tasks: AgentTaskFigures[] = [];
  for (const task of agentTasks(new Random(seed))) {
    const planExecute = await planAndExecute(task, false);
    const planExecuteRepaired = await planAndExecute(task, true);
    const loop = await toolLoop(task);
    const planExecuteNoTools = await planAndExecuteNoTools(task);
    const loopNoTools = await toolLoopNoTools(task);
    if (planExecute.toolCalls !== loop.toolCalls) throw new Error(`task ${task.name}: ${planExecute.toolCalls} vs ${loop.toolCalls} tool calls`);
    tasks.push({
      name: task.name,
      steps: task.plan.steps.length,
      planExecute,
      planExecuteRepaired,
      toolLoop: loop,
      speedup: loop.ms / planExecute.ms,
      modelCallRatio: loop.modelCalls / planExecute.modelCalls,
      planExecuteNoTools,
      toolLoopNoTools: loopNoTools,
    });
  }
  const sum = (pick: (t: AgentTaskFigures) => number) => tasks.reduce((total, t) => total + pick(t), 0);
  return {
    modelMs: MODEL_MS,
    maxParallel: MAX_PARALLEL,
    tasks,
    speedup: sum((t) => t.toolLoop.ms) / sum((t) => t.planExecute.ms),
    modelCallRatio: sum((t) => t.toolLoop.modelCalls) / sum((t) => t.planExecute.modelCalls),
    minSpeedup: min(tasks.map((t) => t.speedup)),
    minModelCallRatio: min(tasks.map((t) => t.modelCallRatio)),
    repaired: {
      speedup: sum((t) => t.toolLoop.ms) / sum((t) => t.planExecuteRepaired.ms),
      modelCallRatio: sum((t) => t.toolLoop.modelCalls) / sum((t) => t.planExecuteRepaired.modelCalls),
    },
    noTools: {
      speedup: sum((t) => t.toolLoopNoTools.ms) / sum((t) => t.planExecuteNoTools.ms),
      modelCallRatio: sum((t) => t.toolLoopNoTools.modelCalls) / sum((t) => t.planExecuteNoTools.modelCalls),
      minSpeedup: min(tasks.map((t) => t.toolLoopNoTools.ms / t.planExecuteNoTools.ms)),
      minModelCallRatio: min(tasks.map((t) => t.toolLoopNoTools.modelCalls / t.planExecuteNoTools.modelCalls)),
    },
  };
}
