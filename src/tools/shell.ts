import { z } from 'zod';
import { looksSecret } from '../planning/secret-names.js';
import { REDACTED } from '../planning/redacted.js';
import { quoteArg } from './quote-arg.js';
import { defineTool } from './tool.js';
import { ProcessOutputSchema, runProcess } from './process-runner.js';

export const ShellInputSchema = z
  .strictObject({
    command: z.string().min(1).describe('Command line run by bash (or sh where bash is missing), e.g. "npm ci && npm test".'),
    cwd: z.string().min(1).optional().describe('Working directory, relative to the workspace (default: the workspace).'),
    env: z.record(z.string(), z.string()).optional().describe('Environment variables added to (or overriding) the current ones.'),
  })
  .describe('Runs a shell command; a non-zero exit code fails the step.');

export const shellTool = defineTool({
  name: 'shell',
  description:
    'Run a shell command line in the workspace. Output is streamed and returned (stdout, stderr, exitCode); a non-zero exit fails the step. ' +
    'Stdin is closed, so commands must not prompt. To leave a server running, start it with `nohup cmd > log 2>&1 &`.',
  inputSchema: ShellInputSchema,
  outputSchema: ProcessOutputSchema,
  risk: 'high',
  stepRisk: { levels: ['read', 'write', 'destroy'], by: 'the command line' },
  // The variables it sets come first, as a shell line would have them (values of secret-looking ones hidden).
  describe: (input) => {
    const env = Object.entries(input.env ?? {}).map(([name, value]) => `${name}=${looksSecret(name) ? REDACTED : quoteArg(value)} `);
    return `${env.join('')}${input.command}${input.cwd ? ` (in ${input.cwd})` : ''}`;
  },
  execute: (input, context) =>
    runProcess({
      command: input.command,
      shell: true,
      cwd: input.cwd,
      env: input.env,
      workspace: context.workspace,
      signal: context.signal,
      onOutput: context.onOutput,
    }),
});
