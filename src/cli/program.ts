import { Command, CommanderError } from 'commander';
import { collect } from './collect.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { CliIO } from './io.js';
import { VERSION } from '../version.js';

/**
 * Parses `argv` with ksa's commands and runs the one it names; returns its exit code.
 * Commander's own errors (usage, unknown command) are printed by commander and are exit 2;
 * --help and --version are exit 0. Every other error is the caller's to report.
 */
export async function runProgram(argv: readonly string[], io: CliIO): Promise<ExitCodeValue> {
  let exitCode: ExitCodeValue = ExitCode.ok;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // `ksa help nothing` shows the help as an error (exit code 1 from commander): a usage error, as an unknown command is.
    const shown = (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') && error.exitCode === 0;
    if (error.code === 'commander.help' && !shown) {
      const asked = argv.slice(2).filter((arg) => arg !== '--debug')[1];
      if (asked !== undefined) io.stderr.write(`ksa: unknown command '${asked}' (see 'ksa --help')\n`);
    }
    return shown ? ExitCode.ok : ExitCode.usage;
  }
}

/** Each command's module loads only when it runs: `ksa validate` does not pay for the model SDK or the TUI. */
export function buildProgram(io: CliIO, setExit: (code: ExitCodeValue) => void): Command {
  const program = new Command('ksa')
    .description('KubeStack AI: plan, approve and run deploys as validated DAGs of steps, with retries, timeouts and rollback.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'show stack traces for unexpected errors')
    .showSuggestionAfterError(true)
    .showHelpAfterError("(see 'ksa --help' or 'ksa <command> --help')")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`ksa: ${text.replace(/^error: /, '')}`),
    })
    .addHelpText(
      'after',
      `
Examples:
  $ ksa validate examples/deploy-local/plan.yaml
  $ ksa run examples/deploy-local/plan.yaml --dry-run
  $ ksa run examples/deploy-local/plan.yaml --yes --input port=9090
  $ ksa run plan.yaml --yes --json | jq -c 'select(.type == "step_failed")'

  $ ksa runs
  $ ksa status               # the latest run
  $ ksa resume 20261125-1542 # a unique prefix of a run id is enough

Exit codes: 0 succeeded, 1 run failed or the model could not be used, 2 invalid plan/usage/not approved, 130 cancelled (143 on SIGTERM, 129 on SIGHUP).
Environment: KSA_HOME (runs, logs, sessions), NO_COLOR, OPENAI_BASE_URL, OPENAI_API_KEY, KSA_MODEL,
  KSA_MODEL_TIMEOUT_MS (how long a model may stay silent), KSA_REDIS_URL (the Redis of ksa worker and --redis).`,
    );

  program
    .command('validate')
    .description('check a plan file and report every problem with its line')
    .argument('<plan>', 'plan file (.yaml, .yml or .json), or - to read it from stdin')
    .option('--json', 'print the result as one JSON document')
    .option('--input <name=value>', 'an input value (repeatable); makes inputs.<name> known', collect, [])
    .option('--max-steps <n>', 'largest plan accepted (default 200)')
    .option('--allow-env <NAME>', 'let expressions read env.NAME (repeatable)', collect, [])
    .option('--workspace <dir>', "whose .ksa/policy.yaml applies (default: the plan's directory; the current one for -)")
    .option('--redis <url>', 'warn about runsOn labels no live worker offers (or KSA_REDIS_URL, or "redis" in config.json)')
    .addHelpText('after', examples('ksa validate examples/deploy-local/plan.yaml', 'ksa validate plan.yaml --json | jq .stepRisks', 'ksa plan "deploy ./shop" --format yaml | ksa validate -'))
    .action(async (file: string, flags) => setExit(await (await import('./commands/validate.js')).validateCommand(io, file, flags)));

  program
    .command('run')
    .description('validate a plan, show it, ask for approval, then run it with live progress')
    .argument('<plan>', 'plan file (.yaml, .yml or .json), or - to read it from stdin')
    .option('-y, --yes', 'approve without asking (needed when there is no terminal)')
    .option('--approve <mode>', 'ask (default: every plan asks), read (read-only or allowed plans run unasked) or write (only destroy steps ask)')
    .option('--allow-destroy', 'let --yes approve destroy steps too')
    .option('--max-parallel <n>', "steps running at once (overrides the plan's maxParallel)")
    .option('--dry-run', 'print the plan, the execution order and what runs in parallel; run nothing')
    .option('--json', 'write events as NDJSON to stdout (human output goes to stderr)')
    .option('--input <name=value>', 'set inputs.<name> (repeatable), e.g. --input port=9090: the text as given, read as a number, true/false, or a YAML/JSON list or mapping where the plan\'s default is one', collect, [])
    .option('--workspace <dir>', "root for relative paths and file tools (default: the plan's directory; the current one for -)")
    .option('--max-steps <n>', 'largest plan accepted (default 200)')
    .option('--allow-env <NAME>', 'let expressions read env.NAME (repeatable)', collect, [])
    .option('--redis <url>', 'send steps to workers through this Redis (or KSA_REDIS_URL, or "redis" in config.json)')
    .option('--local-default', 'with workers: steps without runsOn run here instead of on any worker')
    .option('--worker-wait <duration>', 'how long a step waits for a worker with its labels (default 5m)')
    .addHelpText('after', examples('ksa run examples/deploy-local/plan.yaml', 'ksa run plan.yaml --yes --json > events.ndjson', 'ksa run plan.yaml --dry-run', 'ksa run plan.yaml --input port=9090 --approve write'))
    .addHelpText(
      'after',
      `
Press Ctrl-C once to cancel: running steps are aborted and finished steps rolled back (exit 130).
Press it twice to stop at once without rollback.
Press p in the live view to pause (running steps finish, no new step starts) and p again to go on;
from another terminal: ksa pause <run> and ksa resume <run>.
Full step logs are kept in $KSA_HOME/runs/<run-id>/logs.`,
    )
    .action(async (file: string, flags) => setExit(await (await import('./commands/run.js')).runCommand(io, file, flags)));

  program
    .command('chat')
    .description('the chat TUI: say what to deploy, approve or edit the plan, watch it run (the default command)')
    .option('-c, --continue', 'reopen the most recent session (one with messages first), with its history')
    .option('--session <id>', 'reopen a given session')
    .option('--workspace <dir>', 'the folder to deploy from (default: the current one)')
    .addHelpText(
      'after',
      `
Keys: Enter sends · y/Enter runs a proposed plan, n rejects it, e edits it in $VISUAL/$EDITOR, other text revises it
      Esc interrupts the answer or asks to cancel a running plan · Ctrl-C twice quits · /help lists commands`,
    )
    .action(async (flags) => setExit(await (await import('./commands/chat.js')).chatCommand(io, flags)));

  program
    .command('plan')
    .description('ask the model for a plan for a goal; validates and repairs it, prints it, runs nothing')
    .argument('<goal>', 'what to do, in words, e.g. "deploy ./shop on port 8080"')
    .option('--json', 'print the plan and how it was made as one JSON document')
    .option('--format <format>', 'yaml (default; accepted by ksa run as is), json or mermaid')
    .option('-o, --output <file>', 'write the plan to a file instead of stdout')
    .option('--workspace <dir>', 'the folder the plan is for (default: the current one)')
    .option('--max-repairs <n>', 'rounds of feeding validation errors back to the model (default 3; 0: none)')
    .addHelpText('after', examples('ksa plan "deploy ./shop on port 8080" -o plan.yaml', 'ksa plan "roll out web to my kind cluster" --format mermaid'))
    .action(async (goal: string, flags) => setExit(await (await import('./commands/plan.js')).planCommand(io, goal, flags)));

  program
    .command('ask')
    .description('one chat turn without the TUI: the answer is printed; a proposed plan is printed, not run (unless --yes)')
    .argument('<message>', 'what to say, e.g. "deploy ./shop" or "why did build fail?"')
    .option('-c, --continue', 'continue the most recent session (one with messages first)')
    .option('--session <id>', 'continue a given session')
    .option('--json', 'print the answer, any plan and any run as one JSON document')
    .option('-y, --yes', 'approve the proposed plan and run it; its reflection is added to the session')
    .option('--approve <mode>', 'ask (default: every plan asks), read (read-only or allowed plans run unasked) or write (only destroy steps ask)')
    .option('--allow-destroy', 'let --yes approve destroy steps too')
    .option('-o, --output <file>', 'save a proposed plan: YAML, or JSON for a .json file (run it later with ksa run <file>)')
    .option('--workspace <dir>', 'the folder to deploy from (default: the current one)')
    .option('--redis <url>', 'send the steps of a plan run with --yes to workers through this Redis (or KSA_REDIS_URL, or "redis" in config.json)')
    .option('--worker-wait <duration>', 'how long a step waits for a worker with its labels (default 5m)')
    .addHelpText('after', examples('ksa ask "deploy ./shop" -o plan.yaml', 'ksa ask --continue "why did build fail?"', 'ksa ask "deploy ./shop" --yes --approve write'))
    .action(async (message: string, flags) => setExit(await (await import('./commands/ask.js')).askCommand(io, message, flags)));

  program
    .command('runs')
    .description('list runs, newest first (a run whose process died shows as interrupted)')
    .option('--json', 'print the list as one JSON document')
    .option('--limit <n>', 'show only the newest n runs')
    .action(async (flags) => setExit(await (await import('./commands/runs.js')).runsCommand(io, flags)));

  program
    .command('status')
    .description("show one run's steps: status, attempts, durations, errors and the failed steps' log tails")
    .argument('[run]', 'run id or a unique prefix of it (default: the latest run)')
    .option('--json', 'print the status as one JSON document')
    .option('--log-lines <n>', 'lines of each failed step\'s log to show (default 8)')
    .addHelpText('after', examples('ksa status', 'ksa status 20261205-2210 --log-lines 20', 'ksa status --json | jq .status'))
    .action(async (run: string | undefined, flags) => setExit(await (await import('./commands/status.js')).statusCommand(io, run, flags)));

  program
    .command('resume')
    .description('continue an interrupted or paused run; steps that succeeded are not run again')
    .argument('<run>', 'run id or a unique prefix of it')
    .option('-y, --yes', 'approve without asking (needed when there is no terminal)')
    .option('--approve <mode>', 'ask (default: every plan asks), read (read-only or allowed plans run unasked) or write (only destroy steps ask)')
    .option('--allow-destroy', 'let --yes approve destroy steps too')
    .option('--json', 'write events as NDJSON to stdout (human output goes to stderr)')
    .option('--input <name=value>', 'give an input again (e.g. a secret one, which is never stored)', collect, [])
    .option('--max-parallel <n>', 'steps running at once')
    .option('--redis <url>', 'send steps to workers through this Redis (or KSA_REDIS_URL, or "redis" in config.json)')
    .option('--local-default', 'with workers: steps without runsOn run here instead of on any worker')
    .option('--worker-wait <duration>', 'how long a step waits for a worker with its labels (default 5m)')
    .option('--follow', 'a run paused in a live process: wait for it to end there and exit with its code (default: return once it goes on)')
    .addHelpText('after', examples('ksa resume 20261205-2210', 'ksa resume 20261205-2210 --yes --input token=$TOKEN   # a secret input is never stored'))
    .addHelpText(
      'after',
      `
Steps that were running when the run stopped run again (at-least-once): make them safe to repeat.
Rollback on a later failure still covers the steps that succeeded before the interruption.`,
    )
    .action(async (run: string, flags) => setExit(await (await import('./commands/resume.js')).resumeCommand(io, run, flags)));

  program
    .command('cancel')
    .description('cancel a run: ask its process to stop and roll back, or roll back an interrupted run here')
    .argument('<run>', 'run id or a unique prefix of it')
    .option('-y, --yes', 'approve the rollback of an interrupted run without asking')
    .option('--json', 'print the outcome as JSON')
    .option('--timeout <seconds>', 'how long to wait for a running run to finish its rollback: seconds, or 500ms/5m (default 300)')
    .option('--redis <url>', "an interrupted run's Redis: its queued jobs are removed, its running ones stopped (or KSA_REDIS_URL, or \"redis\" in config.json)")
    .option('--input <name=value>', 'give a secret input again for the rollbacks that read it (secret inputs are never stored)', collect, [])
    .option('--worker-wait <duration>', "an interrupted run's rollbacks: how long each waits for the worker where its step ran (default 5m; one that is gone fails at once)")
    .addHelpText('after', examples('ksa cancel 20261205-2210', 'ksa cancel 20261205-2210 --yes   # an interrupted run: roll it back here', 'ksa cancel 20261205-2210 --yes --input dbPassword=$PW   # its rollback reads a secret input'))
    .action(async (run: string, flags) => setExit(await (await import('./commands/cancel.js')).cancelCommand(io, run, flags)));

  program
    .command('pause')
    .description('pause a running run where it runs: running steps finish, no new step starts (ksa resume goes on)')
    .argument('<run>', 'run id or a unique prefix of it')
    .option('--json', 'print the outcome as JSON')
    .option('--timeout <seconds>', 'how long to wait for the run to pause: seconds, or 500ms/5m (default 30)')
    .addHelpText('after', examples('ksa pause 20261205-2210', 'ksa resume 20261205-2210          # goes on where it runs'))
    .action(async (run: string, flags) => setExit(await (await import('./commands/pause.js')).pauseCommand(io, run, flags)));

  program
    .command('policy')
    .description('the permission policy ($KSA_HOME/policy.yaml, <workspace>/.ksa/policy.yaml)')
    .addHelpText('after', POLICY_FORMAT)
    .command('check')
    .description("show each step's risk, the rule that decides it and the outcome (allow, ask, deny); runs nothing, exit 2 when a step is denied")
    .argument('<plan>', 'plan file (.yaml, .yml or .json), or - to read it from stdin')
    .option('--json', 'print the result as one JSON document')
    .option('--approve <mode>', 'the approval mode to check against: ask (default), read or write')
    .option('--workspace <dir>', "whose .ksa/policy.yaml applies (default: the plan's directory; the current one for -)")
    .option('--input <name=value>', 'an input value (repeatable)', collect, [])
    .option('--max-steps <n>', 'largest plan accepted (default 200)')
    .option('--allow-env <NAME>', 'let expressions read env.NAME (repeatable)', collect, [])
    .addHelpText('after', examples('ksa policy check plan.yaml', 'ksa policy check plan.yaml --approve write --json'))
    .action(async (file: string, flags) => setExit(await (await import('./commands/policy.js')).policyCheckCommand(io, file, flags)));

  program
    .command('worker')
    .description('run steps sent through Redis by ksa run --redis (until SIGTERM / Ctrl-C)')
    .option('--redis <url>', 'the Redis the coordinators use, e.g. redis://host:6379 (or KSA_REDIS_URL, or "redis" in config.json)')
    .option('--labels <a,b>', 'labels steps can ask for with runsOn (comma-separated)')
    .option('--concurrency <n>', 'steps run at once (default 4)')
    .option('--name <id>', 'worker name (default <host>-<pid>)')
    .option('--workspace <dir>', 'root for relative paths and file tools (default: the current folder)')
    .option('--json', 'log one JSON object per line instead of text')
    .addHelpText('after', `${WORKER_POLICY}${examples('ksa worker --redis redis://10.0.0.5:6379 --labels gpu,eu --concurrency 2', 'ksa run plan.yaml --redis redis://10.0.0.5:6379   # on the coordinator')}`)
    .action(async (flags) => setExit(await (await import('./commands/worker.js')).workerCommand(io, flags)));

  program
    .command('workers')
    .description('list the live workers: name, labels, host, pid, running steps, last seen')
    .option('--redis <url>', 'the Redis (or KSA_REDIS_URL, or "redis" in config.json)')
    .option('--json', 'print the list as one JSON document')
    .action(async (flags) => setExit(await (await import('./commands/workers.js')).workersCommand(io, flags)));

  program
    .command('schema')
    .description('print the JSON Schema of plan files (for editors: # yaml-language-server: $schema=...)')
    .action(async () => setExit((await import('./commands/schema.js')).schemaCommand(io)));

  program
    .command('tools')
    .description('list the tools (built-in and from MCP servers) with their arguments')
    .option('--json', 'print names, descriptions and JSON Schemas as one JSON document')
    .option('--workspace <dir>', 'whose .mcp.json servers to include, once trusted (default: the current folder)')
    .action(async (flags) => setExit(await (await import('./commands/tools.js')).toolsCommand(io, flags)));

  const mcp = program.command('mcp').description('MCP servers: their state and tools, and trusting a workspace\'s .mcp.json');
  mcp
    .command('list')
    .description('each configured MCP server, its state (ready / failed: why / not trusted) and its tools')
    .option('--json', 'print the servers as one JSON document')
    .option('--workspace <dir>', 'whose .mcp.json to include (default: the current folder)')
    .action(async (flags) => setExit(await (await import('./commands/mcp.js')).mcpListCommand(io, flags)));
  mcp
    .command('trust')
    .description("trust the servers of the workspace's .mcp.json (asked again when the file changes)")
    .option('--json', 'print the outcome as one JSON document')
    .option('--workspace <dir>', 'the folder holding .mcp.json (default: the current folder)')
    .action(async (flags) => setExit(await (await import('./commands/mcp.js')).mcpTrustCommand(io, flags)));

  const model = program
    .command('model')
    .description('check what the configured model endpoint can do, and list its models')
    .addHelpText(
      'after',
      `
The endpoint and model come from OPENAI_BASE_URL and KSA_MODEL (or $KSA_HOME/config.json).
Examples:
  $ ksa model check          # probes: list models, plain answer, tool calling, JSON-schema output, streaming
  $ ksa model list --json`,
    );
  model
    .command('check')
    .description('probe the configured endpoint and model in a few small calls; print what works, how long it took and the mode ksa uses')
    .option('--json', 'print the result as one JSON document')
    .action(async (flags) => setExit(await (await import('./commands/model.js')).modelCheckCommand(io, flags)));
  model
    .command('list')
    .description("list the endpoint's models (GET /v1/models), the configured one marked")
    .option('--json', 'print the list as one JSON document')
    .action(async (flags) => setExit(await (await import('./commands/model.js')).modelListCommand(io, flags)));

  return program;
}

// What the owner of a worker's machine can forbid there, whatever the coordinator approved.
const WORKER_POLICY = `
This machine's policy:
  The deny and ask rules of $KSA_HOME/policy.yaml and <workspace>/.ksa/policy.yaml
  hold every job (and rollback) this worker takes: read at start (a malformed
  file stops it, exit 2) and again before each job. A matching call fails its
  attempt with nothing run and is not retried; an ask rule refuses as deny does
  (nobody at a worker can answer). allow rules play no part here.
`;

/** An "Examples:" block for a command's --help: commands a user can copy. */
// The rule format, so that `ksa policy --help` is enough to write a first policy (docs/security.md has the rest).
const POLICY_FORMAT = `
Policy files:
  Lists deny, ask and allow; a rule maps a tool name (a glob) to a glob over the
  step's command line as ksa run shows it, without the program name; a bare
  string is a tool with any command line. deny wins over ask over allow; deny
  rules in $KSA_HOME/policy.yaml always hold.

    deny:
      - kubectl: "delete *"
      - http: "DELETE *"
    ask:
      - kubectl: "* -n prod *"
    allow:
      - shell: "npm run *"
      - kubectl: "get *"
${examples('ksa policy check plan.yaml   # what each step would do under these rules')}`;

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}`;
}
