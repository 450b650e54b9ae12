import { stat } from 'node:fs/promises';
import path from 'node:path';
import { buildGraph, criticalPathLengths, depthLevels, type Plan } from '../../planning/index.js';
import { ksaHome, stepLogDir } from '../../store/index.js';
import { createBuiltinRegistry, type ToolRegistry } from '../../tools/index.js';
import { askApproval, canPrompt } from '../approval.js';
import { CliError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, type CliIO } from '../io.js';
import { loadValidPlan } from '../load-plan.js';
import { parseInputs, parsePositiveInt } from '../options.js';
import { formatDryRun, formatPlan, type ToolDescriber } from '../plan-view.js';
import { newRunId } from '../run-id.js';
import { runSession } from '../run-session.js';
import { colorEnabled, createStyler } from '../style.js';

export type RunFlags = {
  yes?: boolean;
  maxParallel?: string;
  maxSteps?: string;
  dryRun?: boolean;
  json?: boolean;
  input: string[];
  allowEnv: string[];
  workspace?: string;
};

export async function runCommand(io: CliIO, file: string, flags: RunFlags): Promise<ExitCodeValue> {
  const registry = createBuiltinRegistry();
  const inputs = parseInputs(flags.input);
  const maxParallel = parsePositiveInt(flags.maxParallel, '--max-parallel');
  const { file: planFile, plan } = await loadValidPlan(io, file, registry, {
    inputs,
    maxSteps: parsePositiveInt(flags.maxSteps, '--max-steps'),
    allowedEnv: flags.allowEnv,
  });
  const workspace = await resolveWorkspace(flags.workspace ? path.resolve(io.cwd, flags.workspace) : path.dirname(planFile.path));
  const style = createStyler(colorEnabled(io.stderr, io.env));
  const shown = { ...plan, inputs: { ...plan.inputs, ...inputs } };

  if (flags.dryRun) {
    if (flags.json) {
      writeLine(io.stdout, JSON.stringify(dryRunDocument(shown), null, 2));
    } else {
      const out = createStyler(colorEnabled(io.stdout, io.env));
      for (const line of formatPlan(shown, describer(registry), out, maxParallel)) writeLine(io.stdout, line);
      writeLine(io.stdout);
      for (const line of formatDryRun(shown, out, maxParallel)) writeLine(io.stdout, line);
    }
    return ExitCode.ok;
  }

  for (const line of formatPlan(shown, describer(registry), style, maxParallel)) writeLine(io.stderr, line);
  writeLine(io.stderr, style.dim(`  workspace: ${workspace}`));
  writeLine(io.stderr);

  if (!flags.yes) {
    if (!canPrompt(io)) {
      throw new CliError({
        message: 'not approved: this plan runs commands, and there is no terminal to ask for approval. Review the plan above and pass --yes to run it.',
      });
    }
    const answer = await askApproval(io, `Run these ${plan.steps.length} steps?`);
    if (answer === 'interrupted') return ExitCode.interrupted;
    if (answer === 'rejected') {
      writeLine(io.stderr, 'Not run: the plan was not approved.');
      return ExitCode.usage;
    }
  }

  const runId = newRunId();
  const allowedEnv: Record<string, string> = {};
  for (const name of flags.allowEnv) {
    const value = io.env[name];
    if (value !== undefined) allowedEnv[name] = value;
  }
  const { exitCode } = await runSession(io, {
    plan,
    runId,
    registry,
    workspace,
    logDir: stepLogDir(ksaHome(io.env), runId),
    maxParallel,
    inputs,
    env: allowedEnv,
    json: flags.json === true,
  });
  return exitCode;
}

function describer(registry: ToolRegistry): ToolDescriber {
  return {
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
  };
}

function dryRunDocument(plan: Plan): unknown {
  const graph = buildGraph(plan.steps);
  const lengths = criticalPathLengths(graph);
  return {
    goal: plan.goal,
    steps: plan.steps.length,
    waves: depthLevels(graph).map((level) => level.map((i) => graph.ids[i])),
    criticalPathLength: Math.max(...lengths),
  };
}

async function resolveWorkspace(dir: string): Promise<string> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new CliError({ message: `--workspace ${dir}: not a directory` });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError({ message: `--workspace ${dir}: no such directory` });
  }
  return dir;
}
