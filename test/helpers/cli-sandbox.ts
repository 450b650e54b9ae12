import { afterAll, beforeAll } from 'vitest';
import { createCliSandbox, type CliSandbox } from './cli.js';

/**
 * One sandbox (temp KSA_HOME and working dir) shared by a test file's tests: made before they run and
 * removed after them. Its fields are read inside the tests; before the hook has run there is none yet.
 */
export function useCliSandbox(prefix?: string): CliSandbox {
  let sandbox: CliSandbox | undefined;
  beforeAll(async () => {
    sandbox = await createCliSandbox(prefix);
  });
  afterAll(async () => {
    await sandbox?.cleanup();
  });
  const current = (): CliSandbox => {
    if (!sandbox) throw new Error('the CLI sandbox exists once the tests run: read it inside a test or a hook');
    return sandbox;
  };
  return {
    get home() {
      return current().home;
    },
    get dir() {
      return current().dir;
    },
    writePlan: (name, text) => current().writePlan(name, text),
    cleanup: () => current().cleanup(),
  };
}
