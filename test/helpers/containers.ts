import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What the tests that run real containers share: whether podman is here, and an image built without a registry. */

const probe = spawnSync('podman', ['version', '--format', '{{.Version}}'], { encoding: 'utf8' });
export const PODMAN_MISSING = (probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/** An image holding only /bin/sleep and its libraries: no registry is needed. */
export async function buildSleepImage(dir: string, image: string): Promise<void> {
  const rootfs = path.join(dir, 'rootfs');
  await mkdir(path.join(rootfs, 'bin'), { recursive: true });
  await cp('/bin/sleep', path.join(rootfs, 'bin/sleep'));
  const libraries = execFileSync('ldd', ['/bin/sleep'], { encoding: 'utf8' }).match(/\/\S+/g) ?? [];
  for (const library of libraries) await cp(library, path.join(rootfs, library), { dereference: true });
  await writeFile(path.join(dir, 'Containerfile'), 'FROM scratch\nCOPY rootfs /\n');
  execFileSync('podman', ['build', '-q', '-t', image, dir], { stdio: 'ignore' });
}

export function containerExists(name: string): boolean {
  return spawnSync('podman', ['container', 'exists', name]).status === 0;
}

/** Whether the container of this name is up (running), as `podman ps` lists it. */
export function containerRunning(name: string): boolean {
  const ps = spawnSync('podman', ['ps', '--filter', `name=^${name}$`, '--format', '{{.Names}}'], { encoding: 'utf8' });
  return ps.stdout.split('\n').includes(name);
}

export function removeContainers(...names: string[]): void {
  spawnSync('podman', ['rm', '-f', '-t', '0', ...names]);
}
