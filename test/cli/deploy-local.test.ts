import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
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
import { isProcessAlive } from '../helpers/tool-context.js';

// The deploy-local example for real, on a copy: deploy, redeploy, a broken deploy
// that rolls back to the previous release, and stop. The tests run in order and
// share the deployed server.

const EXAMPLE = path.join(REPO_ROOT, 'examples/deploy-local');
const DEPLOY_TIMEOUT_MS = 60_000;

let sandbox: CliSandbox;
let workdir: string;
let port: number;
/** Every server pid seen, killed in afterAll even when a test failed. */
const serverPids = new Set<number>();
/** Release names, in deploy order. */
const releases: string[] = [];

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-deploy-');
  workdir = path.join(sandbox.dir, 'deploy-local');
  await cp(EXAMPLE, workdir, {
    recursive: true,
    filter: (source) => {
      const name = path.basename(source);
      return name !== '.deploy' && name !== 'node_modules';
    },
  });
  port = await freePort();
});

afterAll(async () => {
  rememberServerPid();
  for (const pid of serverPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already stopped.
    }
  }
  await sandbox?.cleanup();
});

function rememberServerPid(): number | undefined {
  if (workdir === undefined) return undefined;
  const file = path.join(workdir, '.deploy/server.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0) serverPids.add(pid);
  return pid;
}

async function deploy(planFile: string): Promise<{ code: number | null; events: KsaEvent[]; stderr: string }> {
  const result = await runKsa(['run', planFile, '--yes', '--json', '--input', `port=${port}`], {
    home: sandbox.home,
    cwd: workdir,
    timeoutMs: DEPLOY_TIMEOUT_MS,
  });
  for (const event of eventsOf(parseNdjson(result.stdout), 'step_succeeded', 'start')) {
    const started = /started pid (\d+)/.exec(String(event.output?.stdout));
    if (started) serverPids.add(Number(started[1]));
  }
  rememberServerPid();
  const events = parseNdjson(result.stdout);
  expect(result.code === 0 || result.code === 1, describeResult(result)).toBe(true);
  return { code: result.code, events, stderr: result.stderr };
}

async function get(pathname: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${pathname}`, { signal: AbortSignal.timeout(2000) });
  return { status: response.status, text: await response.text() };
}

function buildOutput(events: readonly KsaEvent[]): string {
  const built = eventsOf(events, 'step_succeeded', 'build');
  expect(built).toHaveLength(1);
  return String(built[0]!.output!.stdout).trim();
}

describe('examples/deploy-local, deployed for real', () => {
  it('plan.yaml deploys the app: exit 0 and the shop answers on the chosen port', { timeout: DEPLOY_TIMEOUT_MS }, async () => {
    const { code, events, stderr } = await deploy('plan.yaml');
    expect(code, stderr).toBe(0);
    expect(expectWellFormedRun(events)).toBe('succeeded');
    // Nothing was running before: stop_previous is skipped.
    expect(stepIdsOf(events, 'step_skipped')).toEqual(['stop_previous']);
    const release = buildOutput(events);
    releases.push(release);

    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Shop v1.4.2');
    expect(home.text).toContain(`release ${release}`);
    const health = JSON.parse((await get('/healthz')).text) as { status: string; release: string };
    expect(health).toMatchObject({ status: 'ok', release });
    expect(readFileSync(path.join(workdir, '.deploy/releases.log'), 'utf8')).toContain(`"release": "${release}"`);
  });

  it('a second deploy stops the running instance and serves a new release', { timeout: DEPLOY_TIMEOUT_MS }, async () => {
    expect(releases).toHaveLength(1);
    const previousPid = rememberServerPid();
    const { code, events, stderr } = await deploy('plan.yaml');
    expect(code, stderr).toBe(0);
    expect(expectWellFormedRun(events)).toBe('succeeded');
    expect(stepIdsOf(events, 'step_succeeded')).toContain('stop_previous');
    expect(stepIdsOf(events, 'step_skipped')).toEqual([]);
    expect(eventsOf(events, 'step_succeeded', 'stop_previous')[0]!.output!.stdout).toBe(String(port));

    const release = buildOutput(events);
    expect(release).not.toBe(releases[0]);
    releases.push(release);
    const health = JSON.parse((await get('/healthz')).text) as { release: string };
    expect(health.release).toBe(release);
    expect(previousPid !== undefined && isProcessAlive(previousPid), `old server ${previousPid} still runs`).toBe(false);
  });

  it('plan-broken.yaml fails its health check, rolls back, and the previous release serves again', { timeout: DEPLOY_TIMEOUT_MS }, async () => {
    expect(releases).toHaveLength(2);
    const { code, events, stderr } = await deploy('plan-broken.yaml');
    expect(code, stderr).toBe(1);
    expect(expectWellFormedRun(events)).toBe('failed');
    expect(eventsOf(events, 'step_failed').map((event) => event.stepId)).toEqual(['health']);
    expect(stepIdsOf(events, 'step_cancelled')).toEqual(['record']);
    const brokenRelease = buildOutput(events);

    // Undo newest first: stop the new server, restart the old one, remove the broken build.
    expect(eventsOf(events, 'rollback_started')[0]!.stepIds).toEqual(['start', 'stop_previous', 'build']);
    expect(stepIdsOf(events, 'rollback_step_succeeded')).toEqual(['start', 'stop_previous', 'build']);
    expect(stepIdsOf(events, 'rollback_step_failed')).toEqual([]);

    const health = await eventually(async () => {
      const answer = await get('/healthz');
      return answer.status === 200 ? (JSON.parse(answer.text) as { status: string; release: string }) : undefined;
    }, 10_000);
    expect(health).toMatchObject({ status: 'ok', release: releases[1] });
    expect(readlinkSync(path.join(workdir, '.deploy/current'))).toBe(`releases/${releases[1]}`);
    expect(readdirSync(path.join(workdir, '.deploy/releases'))).not.toContain(brokenRelease);
    expect(stderr).toMatch(/✗ Run failed \(rolled back 3 steps\)/);
  });

  it('stop.yaml stops the server: exit 0 and the port refuses connections', { timeout: DEPLOY_TIMEOUT_MS }, async () => {
    const pid = rememberServerPid();
    expect(pid).toBeDefined();
    const result = await runKsa(['run', 'stop.yaml', '--yes', '--json'], { home: sandbox.home, cwd: workdir, timeoutMs: DEPLOY_TIMEOUT_MS });
    expect(result.code, describeResult(result)).toBe(0);
    expect(expectWellFormedRun(parseNdjson(result.stdout))).toBe('succeeded');
    expect(await eventually(async () => ((await portRefuses(port)) ? true : undefined), 5000)).toBe(true);
    expect(isProcessAlive(pid!)).toBe(false);
    expect(existsSync(path.join(workdir, '.deploy/server.pid'))).toBe(false);
  });
});
