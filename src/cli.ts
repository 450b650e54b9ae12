// Deep imports on purpose: the entry loads only what every command needs (see docs/performance.md, P9).
import { KsaError } from './planning/ksa-error.js';
import { flushAllDocuments } from './store/open-documents.js';
import { closeAllMcpServers } from './tools/mcp/lifecycle.js';
import { CliError, failureDocument, isDocumented } from './cli/errors.js';
import { fileSystemErrorLine } from './cli/file-system-error.js';
import { ExitCode, type ExitCodeValue } from './cli/exit-codes.js';
import { processIO, type CliIO } from './cli/io.js';
import { afterOutput, watchOutputErrors } from './cli/output-errors.js';
import { terminalSafe, visible } from './tui/visible-text.js';

// bin/ksa.js waits for the output to reach its readers before it exits.
export { outputWritten } from './cli/io.js';

/** The composition root: parses arguments, wires layers, maps outcomes to exit codes. */
export async function main(argv: readonly string[] = process.argv, io: CliIO = processIO()): Promise<ExitCodeValue> {
  const debug = argv.includes('--debug');
  const outputFailure = watchOutputErrors(io);
  // An empty OPENAI_BASE_URL is unset, as ksa reads it; the model SDK builds a default provider from it
  // as it is imported, and refuses an empty one there (an unexpected error for `OPENAI_BASE_URL= ksa …`).
  if (process.env.OPENAI_BASE_URL?.trim() === '') delete process.env.OPENAI_BASE_URL;
  // The SDK's compatibility notes (e.g. schema features a server ignores) are not the user's business.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  // Plain `ksa` opens the chat; anything else is parsed as given (so typos are "unknown command").
  const args = argv.slice(2).filter((arg) => arg !== '--debug');
  let code: ExitCodeValue;
  try {
    // `ksa` and `ksa chat` have nothing to parse: the chat starts without loading and building the
    // commands (its first frame, P9b), with the options commander gives it for no arguments.
    if (args.length === 0 || (args.length === 1 && args[0] === 'chat')) code = await (await import('./cli/commands/chat.js')).chatCommand(io, {});
    else code = await (await import('./cli/program.js')).runProgram(argv, io);
  } catch (error) {
    code = reportError(io, error, debug);
    // `--json` promises one JSON document on stdout, for a failure too; run and resume write events instead.
    const command = args.find((arg) => !arg.startsWith('-'));
    // A worker's log is one JSON object per line: its failure is one line too.
    if (args.includes('--json') && command !== 'run' && command !== 'resume' && !isDocumented(error)) io.stdout.write(`${failureDocument(error, command === 'worker')}\n`);
  } finally {
    // Nothing a command changed stays only in memory; MCP servers it started are stopped.
    await Promise.all([flushAllDocuments().catch(() => {}), closeAllMcpServers()]);
  }
  return (await afterOutput(io, code, outputFailure)) as ExitCodeValue;
}

function reportError(io: CliIO, error: unknown, debug: boolean): ExitCodeValue {
  // Messages quote what the user, a plan or a repository gave (a path, a link's target): shown, never obeyed.
  if (error instanceof CliError) {
    io.stderr.write(`ksa: ${visible(error.message)}\n`);
    for (const line of error.details) io.stderr.write(`${terminalSafe(line)}\n`);
    if (error.hint) io.stderr.write(`${terminalSafe(error.hint)}\n`);
    if (debug && error.cause instanceof Error) io.stderr.write(`${error.cause.stack}\n`);
    return error.exitCode;
  }
  if (KsaError.isInstance(error)) {
    io.stderr.write(`ksa: ${visible(error.message)}\n`);
    if (debug) io.stderr.write(`${error.stack}\n`);
    return ExitCode.usage;
  }
  const fileSystem = fileSystemErrorLine(error);
  if (fileSystem !== undefined) {
    io.stderr.write(`ksa: ${visible(fileSystem)}\n`);
    if (debug && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return ExitCode.runFailed;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`ksa: unexpected error: ${visible(message)}${debug ? '' : ' (run with --debug for details)'}\n`);
  if (debug && error instanceof Error) io.stderr.write(`${error.stack}\n`);
  return ExitCode.runFailed;
}
