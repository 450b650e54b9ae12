import { capabilitiesFile, checkModel, isConfiguredModel, listModels, recordCapability, type CapabilityRecord, type ModelCheck } from '../../agent/index.js';
import { MODEL_CHECK_SOURCE } from '../../agent/chat-mode-info.js';
import { ksaHome } from '../../store/index.js';
import { colorEnabled, createStyler, type Styler } from '../../tui/style.js';
import { CliError, documented } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, writeWarning, type CliIO } from '../io.js';
import { describeEndpoint, modelFailure, openModel } from '../model.js';
import { interruptible } from '../interrupt.js';

/** `ksa model check`: probes the configured endpoint + model, prints what works and the mode ksa uses, caches it. */
export async function modelCheckCommand(io: CliIO, flags: { json?: boolean }): Promise<ExitCodeValue> {
  const home = ksaHome(io.env);
  const { config } = await openModel(io.env, home);
  const style = createStyler(colorEnabled(io.stdout, io.env));
  if (!flags.json) writeLine(io.stderr, style.dim(`Checking ${describeEndpoint(config)}…`));
  const interrupt = interruptible();
  let check: ModelCheck;
  try {
    check = await checkModel(config, { signal: interrupt.signal });
  } finally {
    interrupt.dispose();
  }
  const interrupted = interrupt.exitCode();
  if (interrupted !== undefined) return interrupted;
  const file = capabilitiesFile(home);
  let record: CapabilityRecord | undefined;
  if (check.answers) {
    // A probe that failed on the server's bad minute (a 503, a timeout) leaves what was known before in place.
    const known = (capability: string) => !check.unsure.includes(capability);
    record = await recordCapability(
      { home, baseURL: config.baseURL, model: config.model },
      {
        tools: known('tool calling') ? check.tools : undefined,
        structured: known('JSON-schema output') ? (check.structured ?? 'text') : undefined,
        streaming: known('streaming') ? check.streaming : undefined,
        probes: [...check.probes],
        source: MODEL_CHECK_SOURCE,
        ...(known('tool calling') ? { toolsSource: MODEL_CHECK_SOURCE } : {}),
      },
      { onWarning: (message) => writeWarning(io.stderr, message) },
    );
  }
  // Said only when it is true: a cache that could not be written is a warning, and --json's cache is null.
  const unsaved = record?.saved === false ? `could not save what was found in ${file} (${record.reason}); other commands find out again what works, as they go` : undefined;
  if (unsaved) writeWarning(io.stderr, unsaved);
  if (flags.json) {
    writeLine(io.stdout, JSON.stringify(checkDocument(check, record?.saved ? file : null), null, 2));
  } else {
    printCheck(io, style, check, record?.saved ? file : undefined);
  }
  if (!check.answers) {
    const failure = new CliError({ message: check.failure ?? noAnswer(config.baseURL, config.model, check.probes.find((probe) => probe.capability === 'plain answer')?.detail), exitCode: ExitCode.runFailed });
    // With --json the report above is the one document; the failure is in it.
    throw flags.json ? documented(failure) : failure;
  }
  return ExitCode.ok;
}

/**
 * The --json document. What a probe could not tell (the table's `?`), or never asked because the
 * model did not answer, is null: not `false`, and not the mode without tools the chat would not switch to.
 */
function checkDocument(check: ModelCheck, cache: string | null): Record<string, unknown> {
  const known = (capability: string) => check.answers && !check.unsure.includes(capability);
  const tools = known('tool calling');
  return {
    ...check,
    tools: tools ? check.tools : null,
    structured: check.structured ?? null,
    streaming: known('streaming') ? check.streaming : null,
    chatMode: tools ? check.chatMode : null,
    cache,
  };
}

/** `file`: where what was found is saved (undefined: it could not be). */
function printCheck(io: CliIO, style: Styler, check: ModelCheck, file: string | undefined): void {
  const rows = check.probes.map((probe) => [probe.capability, probe.ok ? 'yes' : check.unsure.includes(probe.capability) ? '?' : 'no', `${probe.ms} ms`, probe.detail ?? '']);
  const widths = [0, 1, 2].map((column) => Math.max(...[['capability', 'works', 'time'][column]!, ...rows.map((row) => row[column]!)].map((cell) => cell.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell)).join('  ').trimEnd();
  writeLine(io.stdout, `Model ${check.model} at ${check.endpoint}${check.server ? ` (${check.server})` : ''}`);
  writeLine(io.stdout);
  writeLine(io.stdout, style.bold(line(['capability', 'works', 'time', 'detail'])));
  for (const row of rows) {
    const text = line(row);
    writeLine(io.stdout, row[1] === 'yes' ? text : style.yellow(text));
  }
  writeLine(io.stdout);
  if (!check.answers) return;
  const chat = check.unsure.includes('tool calling')
    ? 'as before (tool calling could not be checked)'
    : check.chatMode === 'tools'
      ? 'with tool calling'
      : 'without tool calling (each turn is routed by one structured-output call)';
  writeLine(io.stdout, `Chat: ${chat}`);
  writeLine(io.stdout, `Structured output: ${check.structured ?? 'text'}${check.structured === 'json_schema' ? '' : check.structured ? ' (fallback)' : ' with the schema in the prompt and repair rounds'}`);
  for (const note of check.notes) writeLine(io.stdout, style.yellow(`Note: ${note}.`));
  if (check.unsure.length > 0) {
    writeLine(io.stdout, style.yellow(`Not known: ${check.unsure.join(', ')} (the server failed in a way that says nothing about the model); not saved: run ksa model check again.`));
  }
  if (file) writeLine(io.stdout, style.dim(`Saved in ${file}; ksa uses it until a call fails in a way it did not expect.`));
}

/** `ksa model list`: the endpoint's models, the configured one marked. */
export async function modelListCommand(io: CliIO, flags: { json?: boolean }): Promise<ExitCodeValue> {
  const { config } = await openModel(io.env, ksaHome(io.env));
  let models;
  try {
    models = await listModels(config);
  } catch (error) {
    throw modelFailure(error, config);
  }
  const listed = models.some((served) => isConfiguredModel(served.id, config.model));
  if (flags.json) {
    writeLine(io.stdout, JSON.stringify({ endpoint: config.baseURL, configured: config.model, models: models.map((served) => ({ ...served, configured: isConfiguredModel(served.id, config.model) })) }, null, 2));
    return ExitCode.ok;
  }
  const style = createStyler(colorEnabled(io.stdout, io.env));
  for (const served of models) writeLine(io.stdout, isConfiguredModel(served.id, config.model) ? `${style.green('*')} ${style.bold(served.id)}  ${style.dim('(configured)')}` : `  ${served.id}`);
  if (models.length === 0) writeLine(io.stderr, style.dim(`${config.baseURL} serves no models`));
  if (!listed) writeLine(io.stderr, style.yellow(`The configured model "${config.model}" (${config.sources.model}) is not in this list; set KSA_MODEL to one of them.`));
  return ExitCode.ok;
}

/** It answered, but with no text: what the plain-answer probe saw, and for a model out of tokens what to raise. */
function noAnswer(endpoint: string, model: string, detail: string | undefined): string {
  if (!detail) return `${endpoint} did not answer`;
  const outOfTokens = /finish reason length/.test(detail) ? ': it ran out of output tokens before answering (a reasoning model thinks first); raise the output limit on the server (Ollama: num_predict; vLLM, llama.cpp, LM Studio: max tokens) or turn its thinking off' : '';
  return `${endpoint}: "${model}" gave no usable answer (${detail})${outOfTokens}`;
}
