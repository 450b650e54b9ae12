import { spawnSync } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeContainers, unremovedContainersText } from '../../src/tools/index.js';
import { PODMAN_MISSING } from '../helpers/containers.js';
import { createTempDir } from '../helpers/tool-context.js';

// Removing the containers an interrupted run left: by id, through the engine the
// step used. Removal of a real running container is covered end to end in
// test/cli/container-leftovers.test.ts.

const ID = '0123456789abcdef0123456789abcdef';

// An engine that knows one container, named web, and refuses to remove it.
const STUBBORN_ENGINE = `#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls.log"
case "$*" in
  *inspect*) echo /web ;;
  *rm*) echo 'Error: container is paused' >&2; exit 2 ;;
esac
`;

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await createTempDir('ksa-started-containers-'));
});
afterEach(async () => {
  await cleanup();
});

describe('removeContainers', () => {
  it('says nothing of a container when the engine is not installed', async () => {
    const outcome = await removeContainers([{ binary: path.join(dir, 'no-such-podman'), globals: [], id: ID }], 5000);
    expect(outcome.removed).toEqual([]);
    expect(outcome.failed).toEqual([]);
    expect(outcome.unknown.map((container) => container.id)).toEqual([ID]);
  });

  it.skipIf(PODMAN_MISSING)('says nothing of a container that is gone already', async () => {
    const gone = 'f'.repeat(64);
    expect(spawnSync('podman', ['container', 'exists', gone]).status).not.toBe(0);
    expect(await removeContainers([{ binary: 'podman', globals: [], id: gone }], 15_000)).toEqual({ removed: [], failed: [], unknown: [] });
  });

  it('reports one the engine would not remove, by name, with the command that removes it through the same engine', async () => {
    const engine = path.join(dir, 'podman');
    await writeFile(engine, STUBBORN_ENGINE);
    await chmod(engine, 0o755);
    const { removed, failed } = await removeContainers([{ binary: engine, globals: ['--connection', 'box'], id: ID }], 5000);
    expect(removed).toEqual([]);
    expect(failed).toEqual([{ binary: engine, globals: ['--connection', 'box'], id: ID, name: 'web' }]);
    expect((await readFile(path.join(dir, 'calls.log'), 'utf8')).trim().split('\n')).toEqual([
      `--connection box container inspect --format {{.Name}} ${ID}`,
      `--connection box rm -f -t 0 ${ID}`,
    ]);
    expect(unremovedContainersText(failed, 'the interrupted run left')).toBe(
      `could not remove the container the interrupted run left (web); remove it with: ${engine} --connection box rm -f 0123456789ab`,
    );
  });
});

it('keeps one the engine could not look up (its daemon down): reported, not forgotten as gone', async () => {
  const { dir, cleanup } = await createTempDir('ksa-containers-down-');
  try {
    const engine = path.join(dir, 'docker');
    await writeFile(engine, '#!/bin/sh\necho "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2\nexit 1\n');
    await chmod(engine, 0o755);
    const { removed, failed, unknown } = await removeContainers([{ binary: engine, globals: [], id: ID }], 5000);
    expect(removed).toEqual([]);
    expect(unknown).toEqual([]);
    expect(failed).toEqual([{ binary: engine, globals: [], id: ID }]);
  } finally {
    await cleanup();
  }
});
