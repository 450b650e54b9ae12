import { KsaError } from '../planning/ksa-error.js';
import { privateKeyMaskedLines } from '../planning/private-key-lines.js';
import { REDACTED } from '../planning/redacted.js';
import { unknownToolMessage } from '../planning/suggest.js';
import { htmlGist } from './html-gist.js';

/** A misuse of a tool that is not about one argument's type, e.g. a `cwd` that does not exist. */
export class ToolError extends KsaError {
  constructor({ message, cause }: { message: string; cause?: unknown }) {
    super({ name: 'ToolError', message, cause });
  }
}

export class UnknownToolError extends KsaError {
  readonly toolName: string;
  readonly available: readonly string[];

  constructor({ toolName, available }: { toolName: string; available: readonly string[] }) {
    super({ name: 'UnknownToolError', message: unknownToolMessage(toolName, available) });
    this.toolName = toolName;
    this.available = [...available].sort();
  }
}

/** Arguments that fail the tool's input schema at run time (templates filled in with the wrong type). */
export class ToolInputError extends KsaError {
  readonly toolName: string;
  readonly problems: readonly string[];

  constructor({ toolName, problems }: { toolName: string; problems: readonly string[] }) {
    super({ name: 'ToolInputError', message: `${problems.join('; ')} (tool "${toolName}")` });
    this.toolName = toolName;
    this.problems = problems;
  }
}

/** A process that ended with a non-zero exit code or was killed by a signal it did not get from us. */
export class CommandFailedError extends KsaError {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly truncated: boolean;

  constructor(fields: { label: string; exitCode?: number; signal?: string; stdout: string; stderr: string; truncated: boolean }) {
    const { label, exitCode, signal, stdout, stderr } = fields;
    const ending = exitCode === undefined ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${exitCode}`;
    // Quoted as the step's output showed it: the last line of a key printed to stderr is its body, with no shape of its own.
    const reason = lastLine(privateKeyMaskedLines(stderr, REDACTED, 'stderr').join('\n')) ?? lastLine(privateKeyMaskedLines(stdout, REDACTED, 'stdout').join('\n'));
    super({ name: 'CommandFailedError', message: `${label} ${ending}${reason ? `: ${reason}` : ''}` });
    this.exitCode = exitCode;
    this.signal = signal;
    this.stdout = stdout;
    this.stderr = stderr;
    this.truncated = fields.truncated;
  }
}

export class CommandNotFoundError extends KsaError {
  readonly binary: string;

  constructor({ binary, cause }: { binary: string; cause?: unknown }) {
    super({ name: 'CommandNotFoundError', message: `${binary}: command not found on PATH (install it or fix PATH)`, cause });
    this.binary = binary;
  }
}

export type WorkspacePathProblem = 'outside_workspace' | 'not_found' | 'not_a_file' | 'not_text' | 'too_large';

/** A file tool's path that cannot be used: outside the workspace, missing, a directory, not text, too big. */
export class WorkspacePathError extends KsaError {
  readonly path: string;
  readonly workspace: string;
  readonly problem: WorkspacePathProblem;

  constructor({ path, workspace, problem, message }: { path: string; workspace: string; problem: WorkspacePathProblem; message: string }) {
    super({ name: 'WorkspacePathError', message });
    this.path = path;
    this.workspace = workspace;
    this.problem = problem;
  }
}

/** The server answered, but not with a status the step expects. */
export class HttpStatusError extends KsaError {
  readonly status: number;
  readonly body: unknown;

  constructor(fields: { method: string; url: string; redirectedTo?: string | undefined; status: number; expected: string; body: unknown }) {
    const { method, url, redirectedTo, status, expected, body } = fields;
    const text = oneLine(typeof body === 'string' ? (htmlGist(body) ?? body) : JSON.stringify(body) ?? '', 200);
    // The status is the last URL's: naming only the first would pin it on the wrong one.
    const answered = redirectedTo ? `was redirected to ${redirectedTo}, which answered` : 'answered';
    super({ name: 'HttpStatusError', message: `${method} ${url} ${answered} ${status} (expected ${expected})${text ? `: ${text}` : ''}` });
    this.status = status;
    this.body = body;
  }
}

/** No answer at all: refused, unresolvable host, reset, TLS failure. */
export class HttpRequestError extends KsaError {
  readonly code: string | undefined;

  constructor({ method, url, reason, code, cause }: { method: string; url: string; reason: string; code?: string; cause?: unknown }) {
    super({ name: 'HttpRequestError', message: `${method} ${url}: ${reason}`, cause });
    this.code = code;
  }
}

/** The last non-empty line, shortened, so a failure reads as one line. */
function lastLine(text: string): string | undefined {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line) return oneLine(line, 300);
  }
  return undefined;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
