import { planJsonSchema } from '../../planning/index.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, type CliIO } from '../io.js';

export function schemaCommand(io: CliIO): ExitCodeValue {
  writeLine(io.stdout, JSON.stringify(planJsonSchema(), null, 2));
  return ExitCode.ok;
}
