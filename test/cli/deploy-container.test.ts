import { execFileSync, spawnSync } from 'node:child_process';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCliSandbox,
  describeResult,
  eventsOf,
  eventually,
  freePort,
  parseNdjson,
  portRefuses,
  REPO_ROOT,
  runKsa,
  type CliSandbox,
  type KsaEvent,
} from '../helpers/cli.js';
import { expectWellFormedRun, stepIdsOf } from '../helpers/run-events.js';

// The deploy-container example for real with podman, on a copy, with its own
// container name, image repository and port: deploy, redeploy (the first
// container is kept as previous), a broken deploy that rolls back to the
// previous container, and stop. The tests run in order and share the container.

const probe = spawnSync('podman', ['version', '--format', '{{.Version}}'], { encoding: 'utf8' });
const PODMAN_MISSING = (probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
const DEPLOY_TIMEOUT_MS = 240_000;
const suffix = `${process.pid}-${Date.now().toString(36)}`;
const NAME = `ksa-test-web-${suffix}`;
const IMAGE = `ksa-test-shop-${suffix}`;

let sandbox: CliSandbox;
let workdir: string;
let port: number;
const releases: string[] = [];

function podman(...args: string[]): string {
  return execFileSync('podman', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The container of that name: its image and state, or undefined. */
function container(name: string): { image: string; state: string } | undefined {
  const found = spawnSync('podman', ['container', 'inspect', '--format', '{{.ImageName}} {{.State.Status}}', name], { encoding: 'utf8' });
  if (found.status !== 0) return undefined;
  const [image = '', state = ''] = found.stdout.trim().split(' ');
  return { image, state };
}

beforeAll(async () => {
  if (PODMAN_MISSING) return;
  sandbox = await createCliSandbox('ksa-container-');
  const skip = (source: string) => !['.deploy', 'node_modules'].includes(path.basename(source));
  // The plan builds ../deploy-local/app: keep the two folders side by side.
  await cp(path.join(REPO_ROOT, 'examples/deploy-container'), path.join(sandbox.dir, 'deploy-container'), { recursive: true, filter: skip });
  await cp(path.join(REPO_ROOT, 'examples/deploy-local'), path.join(sandbox.dir, 'deploy-local'), { recursive: true, filter: skip });
  workdir = path.join(sandbox.dir, 'deploy-container');
  port = await freePort();
});

afterAll(async () => {
  if (PODMAN_MISSING) return;
  for (const name of [NAME, `${NAME}-previous`, `${NAME}-retiring`]) spawnSync('podman', ['rm', '-f', '-t', '0', name]);
  const images = spawnSync('podman', ['images', '--filter', `reference=${IMAGE}`, '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' });
  for (const image of images.stdout.split('\n').filter(Boolean)) spawnSync('podman', ['rmi', '-f', image]);
  await sandbox?.cleanup();
});

async function deploy(planFile: string): Promise<{ code: number | null; events: KsaEvent[]; stderr: string }> {
  const result = await runKsa(['run', planFile, '--yes', '--allow-destroy', '--json', '--input', `port=${port}`, '--input', `name=${NAME}`, '--input', `image=${IMAGE}`], {
    home: sandbox.home,
    cwd: workdir,
    timeoutMs: DEPLOY_TIMEOUT_MS,
  });
  expect(result.code === 0 || result.code === 1, describeResult(result)).toBe(true);
  return { code: result.code, events: parseNdjson(result.stdout), stderr: result.stderr };
}

async function health(): Promise<{ status: string; release: string } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200 ? ((await response.json()) as { status: string; release: string }) : undefined;
  } catch {
    return undefined;
  }
}

function release(events: readonly KsaEvent[]): string {
  const built = eventsOf(events, 'step_succeeded', 'release');
  expect(built).toHaveLength(1);
  return String(built[0]!.output!.stdout).trim();
}

const TITLE = PODMAN_MISSING
  ? 'examples/deploy-container: SKIPPED, podman is not installed (apt-get install -y podman runc; .ci/run installs it)'
  : 'examples/deploy-container with podman, for real';

describe.skipIf(PODMAN_MISSING)(TITLE, () => {
  it('plan.yaml builds the image, runs the container on the port and health-checks it', { timeout: DEPLOY_TIMEOUT_MS }, async () => {
    const { code, events, stderr } = await deploy('plan.yaml');
    expect(code, stderr).toBe(0);
    expect(expectWellFormedRun(events)).toBe('succeeded');
    // Nothing ran before: nothing to set aside, stop or keep.
    expect(stepIdsOf(events, 'step_skipped').sort()).toEqual(['keep_previous', 'retire', 'stop_previous', 'tag_previous']);
    releases.push(release(events));
    expect(await health()).toMatchObject({ status: 'ok', release: releases[0] });
    expect(container(NAME)).toEqual({ image: `localhost/${IMAGE}:${releases[0]}`, state: 'running' });
  });

  it('a second deploy keeps the previous image tag and container, and serves the new release', { timeout: DEPLOY_TIMEOUT_MS }, async () => {
    expect(releases).toHaveLength(1);
    const { code, events, stderr } = await deploy('plan.yaml');
    expect(code, stderr).toBe(0);
    expect(stepIdsOf(events, 'step_skipped')).toEqual([]);
    releases.push(release(events));
    expect(await health()).toMatchObject({ status: 'ok', release: releases[1] });
    expect(container(NAME)).toEqual({ image: `localhost/${IMAGE}:${releases[1]}`, state: 'running' });
    expect(container(`${NAME}-previous`)).toEqual({ image: `localhost/${IMAGE}:${releases[0]}`, state: 'exited' });
    // The previous tag names the first release's image.
    expect(podman('image', 'inspect', '--format', '{{.Id}}', `localhost/${IMAGE}:previous`)).toBe(podman('image', 'inspect', '--format', '{{.Id}}', `localhost/${IMAGE}:${releases[0]}`));
  });

  it('plan-broken.yaml fails its health check and rolls back to the running container, keeping the previous one and its tag', { timeout: DEPLOY_TIMEOUT_MS }, async () => {
    expect(releases).toHaveLength(2);
    const { code, events, stderr } = await deploy('plan-broken.yaml');
    expect(code, stderr).toBe(1);
    expect(expectWellFormedRun(events)).toBe('failed');
    expect(eventsOf(events, 'step_failed').map((event) => event.stepId)).toEqual(['health']);
    const broken = release(events);
    // Newest first: remove the new container, start the previous one, rename it back, delete the new image.
    expect(stepIdsOf(events, 'rollback_step_succeeded')).toEqual(['start', 'stop_previous', 'retire', 'build', 'release']);
    expect(stepIdsOf(events, 'rollback_step_failed')).toEqual([]);

    const answer = await eventually(health, 15_000, 200);
    expect(answer).toMatchObject({ status: 'ok', release: releases[1] });
    expect(container(NAME)).toEqual({ image: `localhost/${IMAGE}:${releases[1]}`, state: 'running' });
    expect(spawnSync('podman', ['image', 'exists', `localhost/${IMAGE}:${broken}`]).status).toBe(1);
    // What the deploy before kept is kept still: one release further back can be gone back to.
    expect(container(`${NAME}-previous`)).toEqual({ image: `localhost/${IMAGE}:${releases[0]}`, state: 'exited' });
    expect(podman('image', 'inspect', '--format', '{{.Id}}', `localhost/${IMAGE}:previous`)).toBe(podman('image', 'inspect', '--format', '{{.Id}}', `localhost/${IMAGE}:${releases[0]}`));
    expect(container(`${NAME}-retiring`)).toBeUndefined();
  });

  it('stop.yaml removes the containers: the port refuses connections', { timeout: DEPLOY_TIMEOUT_MS }, async () => {
    const result = await runKsa(['run', 'stop.yaml', '--yes', '--allow-destroy', '--json', '--input', `name=${NAME}`], { home: sandbox.home, cwd: workdir, timeoutMs: DEPLOY_TIMEOUT_MS });
    expect(result.code, describeResult(result)).toBe(0);
    expect(expectWellFormedRun(parseNdjson(result.stdout))).toBe('succeeded');
    expect(await eventually(async () => ((await portRefuses(port)) ? true : undefined), 10_000)).toBe(true);
    expect(container(NAME)).toBeUndefined();
    expect(container(`${NAME}-previous`)).toBeUndefined();
  });
});
