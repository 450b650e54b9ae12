import type { StepRisk } from './risk-level.js';
import type { ShellWord } from './shell-syntax.js';
import type { VariableSetting } from './steering-variables.js';
import { steeredTerraform } from './terraform-environment.js';
import { steeredUnzip } from './unzip-command.js';

/**
 * A program that takes words from variables it starts with as if written (terraform's TF_CLI_ARGS, unzip's UNZIP
 * and UNZIPOPT), rated with them; undefined when none of those is set, and the program is rated as written.
 */
export function environmentOptionsRisk(name: string, args: readonly ShellWord[], settings: readonly VariableSetting[] | undefined): StepRisk | Promise<StepRisk> | undefined {
  if (settings === undefined) return undefined;
  return name === 'unzip' ? steeredUnzip(settings) : steeredTerraform(name, args, settings);
}
