import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftAgentsSection, formatWorkspaceContext, gatherWorkspaceContext, type WorkspaceContext } from '../../src/agent/index.js';

// What the planner is told about the folder it deploys from: scripts,
// Dockerfiles, compose files, manifests, charts, installed tools — never secrets.

const SECRET = 'sk-live-DO-NOT-LEAK-1234567890';
let root: string;
let dir: string;
let bin: string;

async function put(file: string, content = ''): Promise<void> {
  const full = path.join(dir, file);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, content);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ksa-workspace-'));
  dir = path.join(root, 'shop');
  bin = path.join(root, 'bin');
  await mkdir(bin);
  await put('package.json', JSON.stringify({ name: 'shop', main: 'server.js', scripts: { build: 'tsc', start: 'node server.js', test: 'vitest' }, dependencies: { express: '5', pg: '8' } }));
  await put('server.js', 'console.log(1)');
  await put('Dockerfile', 'FROM node:24');
  await put('api/Dockerfile.dev', 'FROM node:24');
  await put('compose.yaml', 'services: {}');
  await put('docker-compose.override.yml', 'services: {}');
  await put('k8s/app.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: shop }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: shop }\n---\napiVersion: v1\nkind: Service\n');
  await put('k8s/notes.yaml', 'just: yaml\nkind: NotAManifest\n');
  await put('charts/shop/Chart.yaml', 'apiVersion: v2\nname: shop\n');
  await put('charts/shop/templates/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\n');
  // Secrets and noise that must never reach a prompt.
  await put('.env', `OPENAI_API_KEY=${SECRET}`);
  await put('.env.production', `DB_PASSWORD=${SECRET}`);
  await put('config/.env.local', `TOKEN=${SECRET}`);
  await put('certs/tls.key', SECRET);
  await put('certs/server.pem', SECRET);
  await put('node_modules/express/package.json', '{}');
  await put('.git/config', SECRET);
  await put('.github/workflows/ci.yml', 'on: push');
  await put('dist/bundle.js', '');
  await put('a/b/c/d/too-deep.yaml', 'apiVersion: v1\nkind: ConfigMap\n');
  // Fake tools on PATH: kubectl answers its current context.
  await writeFile(path.join(bin, 'kubectl'), '#!/bin/sh\n[ "$1 $2" = "config current-context" ] && echo kind-shop\n');
  await writeFile(path.join(bin, 'docker'), '#!/bin/sh\nexit 0\n');
  await writeFile(path.join(bin, 'helm'), 'not executable');
  await chmod(path.join(bin, 'kubectl'), 0o755);
  await chmod(path.join(bin, 'docker'), 0o755);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('gatherWorkspaceContext', () => {
  let context: WorkspaceContext;
  beforeAll(async () => {
    context = await gatherWorkspaceContext(dir, { PATH: bin });
  });

  it('finds package.json with its scripts, dependency count and main', () => {
    expect(context.packages).toEqual([{ name: 'shop', scripts: ['build', 'start', 'test'], dependencies: 2, main: 'server.js' }]);
  });

  it('finds Dockerfiles and compose files', () => {
    expect([...context.dockerfiles].sort()).toEqual(['Dockerfile', 'api/Dockerfile.dev']);
    expect([...context.composeFiles].sort()).toEqual(['compose.yaml', 'docker-compose.override.yml']);
  });

  it('finds Kubernetes manifests with their kinds; not charts’ templates, not YAML without apiVersion', () => {
    expect(context.manifests).toEqual([{ file: 'k8s/app.yaml', kinds: ['Deployment', 'Service'] }]);
  });

  it('finds Helm charts by their Chart.yaml', () => {
    expect(context.helmCharts).toEqual(['charts/shop']);
  });

  it('knows which tools are installed (executable on PATH) and the kube context', () => {
    expect(context.binaries).toMatchObject({ kubectl: true, docker: true, helm: false, kind: false });
    expect(context.kubeContext).toBe('kind-shop');
  });

  it('never lists .env files, keys, certificates, node_modules, dot-folders, dist, or what is deeper than 3 folders', () => {
    for (const file of context.files) {
      expect(file).not.toMatch(/(^|\/)\.env|\.key$|\.pem$|node_modules|^\.git|^dist\//);
    }
    expect(context.files).not.toContain('a/b/c/d/too-deep.yaml');
    expect(context.files).toContain('server.js');
  });

  it('the text for the model has every fact and no secret', () => {
    const text = formatWorkspaceContext(context);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('.env');
    expect(text.split('\n')).toEqual([
      `Workspace: ${dir} (relative paths and file tools resolve here)`,
      '- package.json: name shop, scripts: build, start, test, 2 dependencies, main server.js',
      expect.stringMatching(/^- Dockerfiles: (Dockerfile, api\/Dockerfile\.dev|api\/Dockerfile\.dev, Dockerfile)$/),
      expect.stringMatching(/^- Compose files: /),
      '- Kubernetes manifests: k8s/app.yaml (Deployment, Service)',
      '- Helm charts: charts/shop',
      expect.stringMatching(/^- Installed: (kubectl, docker|docker, kubectl); NOT installed: /),
      '- Current kube context: kind-shop (namespace default); kubectl/helm/k8s_* steps name it with args.context',
      '- Containers: use the docker tool (docker answers; podman is not installed); never the other one',
      expect.stringMatching(/^- Files: /),
    ]);
  });
});

describe('a package.json one folder down', () => {
  it('is named with its folder, and its scripts are said to run there: the root has no package.json', async () => {
    const app = path.join(root, 'app-below');
    await mkdir(path.join(app, 'app'), { recursive: true });
    await writeFile(path.join(app, 'app', 'package.json'), JSON.stringify({ name: 'shop', scripts: { start: 'node server.js', test: 'node --test' } }));
    await writeFile(path.join(app, 'plan.yaml'), 'goal: x\n');
    const context = await gatherWorkspaceContext(app, { PATH: bin });
    expect(context.packages).toEqual([{ name: 'shop', scripts: ['start', 'test'], dependencies: 0, main: undefined, folder: 'app' }]);
    const text = formatWorkspaceContext(context);
    expect(text).toContain('\n- app/package.json: name shop, scripts: start, test, 0 dependencies; run its scripts with cwd: app (the workspace root has no package.json)\n');
    expect(text).not.toContain('\n- package.json:');
  });
});

describe('apps one folder down, none at the root (a monorepo)', () => {
  it('each is described with its folder and cwd, in the facts and in /init\'s draft; past five, the rest are named', async () => {
    const mono = path.join(root, 'monorepo');
    await mkdir(path.join(mono, 'api'), { recursive: true });
    await mkdir(path.join(mono, 'web'), { recursive: true });
    await writeFile(path.join(mono, 'api', 'package.json'), JSON.stringify({ name: 'api', scripts: { test: 'echo t', start: 'node .' } }));
    await writeFile(path.join(mono, 'web', 'package.json'), JSON.stringify({ name: 'web', scripts: { build: 'vite build', test: 'vitest' } }));
    const context = await gatherWorkspaceContext(mono, { PATH: bin });
    const text = formatWorkspaceContext(context);
    expect(text).toContain('\n- api/package.json: name api, scripts: test, start, 0 dependencies; run its scripts with cwd: api (the workspace root has no package.json)\n');
    expect(text).toContain('\n- web/package.json: name web, scripts: build, test, 0 dependencies; run its scripts with cwd: web (the workspace root has no package.json)\n');
    expect(text).not.toContain('more:');
    const draft = draftAgentsSection(context);
    expect(draft).toContain('- App: `api` in `api/`; scripts: `npm run test`, `npm run start` (run in `api`: cwd: api).');
    expect(draft).toContain('- App: `web` in `web/`; scripts: `npm run build`, `npm run test` (run in `web`: cwd: web).');
    expect(draft).toContain('- Run `npm test` in `web` (cwd: web) before deploying it; do not deploy it when they fail.');
    expect(draft).not.toContain('before any deploy');

    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) {
      await mkdir(path.join(mono, name), { recursive: true });
      await writeFile(path.join(mono, name, 'package.json'), JSON.stringify({ name }));
    }
    const many = await gatherWorkspaceContext(mono, { PATH: bin });
    expect(many.packages.map((pkg) => pkg.folder)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(formatWorkspaceContext(many)).toContain('\n- and 2 more: api/package.json, web/package.json (read one before planning for it)\n');
    expect(draftAgentsSection(many)).toContain('- Other apps (not described here): `api/`, `web/`.');
  });
});

describe('an app whose package.json does not parse', () => {
  it('is named with the line of the error, in the facts and in /init\'s draft, beside the apps described', async () => {
    const mono = await mkdtemp(path.join(root, 'mono-bad-'));
    for (const name of ['a1', 'a2', 'a3']) {
      await mkdir(path.join(mono, name));
      await writeFile(path.join(mono, name, 'package.json'), name === 'a2' ? '{\n  "name": "a2",\n  bad\n}\n' : JSON.stringify({ name }));
    }
    const context = await gatherWorkspaceContext(mono, { PATH: '' });
    expect(context.packages.map((pkg) => pkg.folder)).toEqual(['a1', 'a3']);
    expect(context.unreadablePackages).toEqual(['a2/package.json: not valid JSON (line 3)']);
    expect(formatWorkspaceContext(context)).toContain('\n- a2/package.json: not valid JSON (line 3); not described (read it before planning for that app)\n');
    expect(draftAgentsSection(context)).toContain('\n- Not described: a2/package.json: not valid JSON (line 3).\n');
  });
});

describe('container engines', () => {
  async function fakeBin(scripts: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(path.join(root, 'bin-'));
    for (const [name, body] of Object.entries(scripts)) {
      await writeFile(path.join(dir, name), `#!/bin/sh\n${body}\n`);
      await chmod(path.join(dir, name), 0o755);
    }
    return dir;
  }

  it('docker whose daemon does not answer and a working podman: plans are told to use podman', async () => {
    const PATH = await fakeBin({ docker: 'echo "Cannot connect to the Docker daemon" >&2; exit 1', podman: '[ "$1" = version ] && echo 4.3.1' });
    const context = await gatherWorkspaceContext(dir, { PATH });
    expect(context.containerEngines).toEqual({ docker: 'unreachable', podman: 'ready' });
    expect(context.containerEngine).toBe('podman');
    expect(formatWorkspaceContext(context)).toContain('- Containers: use the podman tool (podman answers; docker is installed but does not answer); never the other one');
  });

  it('only podman, not answering: still podman, said so; none installed: no container line', async () => {
    const PATH = await fakeBin({ podman: 'exit 125' });
    const context = await gatherWorkspaceContext(dir, { PATH });
    expect(context.containerEngine).toBe('podman');
    expect(formatWorkspaceContext(context)).toContain('use the podman tool (podman is installed but its engine does not answer; docker is not installed)');
    const none = await gatherWorkspaceContext(dir, { PATH: await fakeBin({}) });
    expect(none.containerEngine).toBeUndefined();
    expect(formatWorkspaceContext(none)).not.toContain('Containers:');
  });

  it('the kube namespace comes from the current context', async () => {
    const PATH = await fakeBin({
      kubectl: 'if [ "$2" = current-context ]; then echo prod-eu; elif [ "$2" = view ]; then printf "kind-dev\\tshop\\nprod-eu\\tbilling\\n"; else exit 1; fi',
    });
    const context = await gatherWorkspaceContext(dir, { PATH });
    expect(context).toMatchObject({ kubeContext: 'prod-eu', kubeNamespace: 'billing' });
  });
});

describe('gatherWorkspaceContext, edge cases', () => {
  it('an empty folder and nothing on PATH', async () => {
    const empty = await mkdtemp(path.join(root, 'empty-'));
    const context = await gatherWorkspaceContext(empty, { PATH: '' });
    expect(context).toMatchObject({ files: [], dockerfiles: [], composeFiles: [], manifests: [], helmCharts: [] });
    expect(context.packages).toEqual([]);
    expect(context.kubeContext).toBeUndefined();
    expect(formatWorkspaceContext(context)).toContain('- Installed: none of kubectl, helm, docker, podman, kind, minikube, node, npm');
  });

  it('a folder that does not exist is an empty workspace, not an error', async () => {
    const context = await gatherWorkspaceContext(path.join(root, 'nope'), { PATH: '' });
    expect(context.files).toEqual([]);
  });

  it('a broken package.json is not described but named, with why; a package.json one level down is used', async () => {
    const broken = await mkdtemp(path.join(root, 'broken-'));
    await writeFile(path.join(broken, 'package.json'), '{ not json');
    const context = await gatherWorkspaceContext(broken, { PATH: '' });
    expect(context.packages).toEqual([]);
    expect(context.unreadablePackages).toEqual(['package.json: not valid JSON (line 1)']);
    const nested = await mkdtemp(path.join(root, 'nested-'));
    await mkdir(path.join(nested, 'app'));
    await writeFile(path.join(nested, 'app', 'package.json'), JSON.stringify({ name: 'inner', scripts: { start: 'x' } }));
    expect((await gatherWorkspaceContext(nested, { PATH: '' })).packages).toMatchObject([{ name: 'inner', scripts: ['start'] }]);
  });

  it('a folder with more files than the scan reads, sorted before package.json, hides no package.json: the root one, or those one folder down', async () => {
    const big = await mkdtemp(path.join(root, 'big-'));
    await mkdir(path.join(big, 'aa'));
    await mkdir(path.join(big, 'lib'));
    await writeFile(path.join(big, 'aa', 'package.json'), JSON.stringify({ name: 'docs-site', scripts: { build: 'x' } }));
    await Promise.all(Array.from({ length: 420 }, (_, i) => writeFile(path.join(big, 'lib', `f${i}.js`), 'x')));
    await writeFile(path.join(big, 'package.json'), JSON.stringify({ name: 'rootapp', scripts: { test: 'vitest', start: 'node .' } }));
    const context = await gatherWorkspaceContext(big, { PATH: '' });
    expect(context.packages).toEqual([{ name: 'rootapp', scripts: ['test', 'start'], dependencies: 0, main: undefined }]);
    const text = formatWorkspaceContext(context);
    expect(text).toContain('\n- package.json: name rootapp, scripts: test, start, 0 dependencies\n');
    expect(text).not.toContain('the workspace root has no package.json');

    const mono = await mkdtemp(path.join(root, 'big-mono-'));
    await mkdir(path.join(mono, 'api', 'lib'), { recursive: true });
    await Promise.all(Array.from({ length: 450 }, (_, i) => writeFile(path.join(mono, 'api', 'lib', `f${i}.js`), 'x')));
    for (const name of ['api', 'web', 'worker']) {
      await mkdir(path.join(mono, name), { recursive: true });
      await writeFile(path.join(mono, name, 'package.json'), JSON.stringify({ name, scripts: { start: 'node .' } }));
    }
    const apps = await gatherWorkspaceContext(mono, { PATH: '' });
    expect(apps.packages.map((pkg) => pkg.folder)).toEqual(['api', 'web', 'worker']);
    expect(formatWorkspaceContext(apps)).toContain('\n- worker/package.json: name worker, scripts: start, 0 dependencies; run its scripts with cwd: worker (the workspace root has no package.json)\n');
  });

  it('many files: at most 60 are named, with an ellipsis', async () => {
    const many = await mkdtemp(path.join(root, 'many-'));
    await Promise.all(Array.from({ length: 500 }, (_, i) => writeFile(path.join(many, `f${String(i).padStart(3, '0')}.txt`), '')));
    const context = await gatherWorkspaceContext(many, { PATH: '' });
    expect(context.files).toHaveLength(60);
    expect(formatWorkspaceContext(context)).toMatch(/- Files: f000\.txt, .*f059\.txt, …$/);
  });
});
