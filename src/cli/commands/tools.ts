import { riskOptions, stepRiskText, toolsAsJson } from '../../tools/index.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, type CliIO } from '../io.js';
import { colorEnabled, createStyler } from '../../tui/style.js';
import { openCommandTools } from '../mcp-tools.js';
import { schemaTypeName, type JsonSchema } from '../schema-type-name.js';
import { workspaceOption } from '../workspace-option.js';

/** Built-in tools, then those of every MCP server that started (the others are named on stderr). */
export async function toolsCommand(io: CliIO, flags: { json?: boolean; workspace?: string }): Promise<ExitCodeValue> {
  const opened = await openCommandTools(io, await workspaceOption(io.cwd, flags.workspace, io.cwd));
  await opened.startAll();
  const tools = await toolsAsJson(opened.registry, riskOptions(opened.registry, io.env));
  if (flags.json) {
    writeLine(io.stdout, JSON.stringify({ tools }, null, 2));
    return ExitCode.ok;
  }
  const style = createStyler(colorEnabled(io.stdout, io.env));
  for (const tool of tools) {
    // The levels of the steps that call it, in the words ksa validate --json and policy check use for each step.
    writeLine(io.stdout, `${style.bold(tool.name)} ${style.dim(`(steps: ${stepRiskText(tool.stepRisk)})`)}`);
    writeLine(io.stdout, `  ${tool.description}`);
    for (const line of describeArguments(tool.inputSchema)) writeLine(io.stdout, `    ${line}`);
    writeLine(io.stdout);
  }
  writeLine(io.stdout, style.dim('Use them in a plan step as  tool: <name>  with  args: {...}; "ksa tools --json" prints the full JSON Schemas.'));
  return ExitCode.ok;
}

function describeArguments(schema: JsonSchema): string[] {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const type = schemaTypeName(property);
    const optional = required.has(name) ? '' : '?';
    return `${name}${optional}: ${type}${property.description ? `  ${property.description}` : ''}`;
  });
}
