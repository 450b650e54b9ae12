import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { ProposedPlan } from '../../src/agent/index.js';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';
import { PlanCard, PlanDecisionLine } from '../../src/tui/PlanCard.js';
import { settleRisk } from '../../src/tui/use-plan-risk.js';
import { describer } from '../../src/tui/tool-describer.js';
import { eventually } from '../helpers/cli.js';
import { colourSequences } from '../helpers/pty.js';

// The plan card: what the user approves. Every step numbered, with its
// dependencies, tool, exact command or URL, retry/timeout, rollback, and a
// marker on risky steps; a revision shows what changed; a decided card says so.

const tools = describer(createBuiltinRegistry());

const PLAN: PlanInput = {
  goal: 'Deploy the shop on port 9090',
  inputs: { port: 9090 },
  maxParallel: 3,
  steps: [
    { id: 'install', name: 'Install dependencies', tool: 'shell', args: { command: 'npm ci', cwd: 'shop' } },
    { id: 'lint', tool: 'shell', args: { command: 'npm run lint' }, dependsOn: ['install'] },
    { id: 'unit', tool: 'shell', args: { command: 'npm test' }, dependsOn: ['install'], timeoutMs: 120_000 },
    {
      id: 'image',
      tool: 'docker',
      args: { args: ['build', '-t', 'shop:dev', '.'] },
      dependsOn: ['lint', 'unit'],
      retry: { maxAttempts: 3, initialDelayMs: 500 },
      rollback: { tool: 'docker', args: { args: ['rmi', 'shop:dev'] } },
    },
    { id: 'health', tool: 'http', args: { url: 'http://localhost:9090/healthz' }, dependsOn: ['image'], retry: { maxAttempts: 10, initialDelayMs: 500 }, timeoutMs: 5000 },
    { id: 'notes', tool: 'read_file', args: { path: 'shop/README.md' }, dependsOn: ['health'], when: "steps.health.output.status == 200" },
    { id: 'summary', type: 'llm_query', prompt: 'Summarize:\n{{ steps.notes.output.content }}', dependsOn: ['notes'] },
  ],
};

const proposal = (plan: PlanInput, extra: Partial<ProposedPlan> = {}): ProposedPlan => ({ planId: 'p1', plan: PlanSchema.parse(plan), ...extra });
const frameOf = (element: React.ReactElement) => {
  const app = render(element);
  const frame = app.lastFrame() ?? '';
  app.unmount();
  return frame;
};
/** The card's lines without the border. */
const body = (frame: string) =>
  frame
    .split('\n')
    .map((line) => line.replace(/^[│╭╰]\s?/, '').replace(/\s*[│╮╯]$/, '').trimEnd());

describe('PlanCard', () => {
  const frame = frameOf(<PlanCard proposal={proposal(PLAN)} tools={tools} color={false} />);
  const lines = body(frame);

  it('heads the card with the goal, the inputs and the parallelism', () => {
    expect(lines).toContain('Plan: Deploy the shop on port 9090');
    expect(lines).toContain('  inputs: port=9090');
    expect(lines).toContain('  7 steps, up to 3 at once');
  });

  it('numbers every step in plan order, with its name', () => {
    const numbered = lines.filter((line) => /^.\d\. /.test(line)).map((line) => line.slice(1));
    expect(numbered).toEqual(['1. install (Install dependencies)', '2. lint', '3. unit', '4. image', '5. health', '6. notes', '7. summary']);
  });

  it('shows each step’s tool and exact command, argv or URL', () => {
    expect(frame).toContain('shell: npm ci');
    expect(frame).toContain('shell: npm test');
    expect(frame).toMatch(/docker: .*build -t shop:dev \./);
    expect(frame).toContain('http://localhost:9090/healthz');
    expect(frame).toMatch(/read_file: .*shop\/README\.md/);
    expect(frame).toContain('ask the model: Summarize: ⏎ {{ steps.notes.output.content }}');
  });

  it('shows dependencies, retries, timeouts, conditions and rollbacks', () => {
    const trimmed = lines.map((line) => line.trim());
    expect(trimmed).toContain('no dependencies');
    expect(trimmed).toContain('after install · timeout 2m per attempt');
    expect(trimmed).toContain('after lint, unit · up to 3 attempts');
    expect(trimmed).toContain('after image · up to 10 attempts · timeout 5s per attempt');
    expect(trimmed).toContain('when: steps.health.output.status == 200');
    expect(frame).toMatch(/rollback: docker: .*rmi shop:dev/);
  });

  it('until the risk is assessed, marks steps that run commands (shell, docker) with ! and explains the mark', () => {
    const marked = lines.filter((line) => /^!\d\. /.test(line)).map((line) => line.split(' ')[1]);
    expect(marked).toEqual(['install', 'lint', 'unit', 'image']);
    expect(lines).toContain('! runs commands on this machine');
  });

  it('once assessed, shows each step’s risk level and why, marks only destroy steps, and the plan’s level', async () => {
    const app = render(<PlanCard proposal={proposal(PLAN)} tools={tools} color={false} />);
    try {
      await eventually(() => (app.lastFrame()?.includes('risk: destroy') ? true : undefined));
      const assessed = body(app.lastFrame() ?? '');
      expect(assessed).toContain('  7 steps, up to 3 at once, risk: destroy');
      const trimmed = assessed.map((line) => line.trim());
      expect(trimmed).toContain('write: npm ci');
      expect(trimmed).toContain('destroy: rollback: docker rmi');
      expect(trimmed).toContain('read: GET request');
      expect(trimmed).toContain('read: asks the model');
      expect(assessed.filter((line) => /^!\d\. /.test(line)).map((line) => line.split(' ')[1])).toEqual(['image']);
      expect(assessed).toContain('! destroy: deletes or overwrites what cannot be restored');
    } finally {
      app.unmount();
    }
  });

  it('the card and whoever waits for its risk (the printed card, the transcript) share one assessment', async () => {
    let calls = 0;
    const counting = { ...tools, assess: (plan: Parameters<NonNullable<typeof tools.assess>>[0]) => (calls++, tools.assess!(plan)) };
    const shown = proposal(PLAN);
    const app = render(<PlanCard proposal={shown} tools={counting} color={false} />);
    try {
      await Promise.all([settleRisk(shown.plan, counting), settleRisk(shown.plan, counting)]);
      await eventually(() => (app.lastFrame()?.includes('risk: destroy') ? true : undefined));
      expect(calls).toBe(1);
    } finally {
      app.unmount();
    }
  });

  it('a pending card lists the approval keys', () => {
    expect(frame).toContain('y/Enter run it · n reject · e edit in $EDITOR · or type what to change');
  });

  it('a revision lists what changed', () => {
    const revised = frameOf(<PlanCard proposal={proposal(PLAN, { changes: '~ health: args.url changed\n+ smoke: added\n- notes: removed', revises: 'p0' })} tools={tools} color={false} />);
    expect(revised).toContain('What changed:');
    expect(revised).toContain('  ~ health: args.url changed');
    expect(revised).toContain('  + smoke: added');
    expect(revised).toContain('  - notes: removed');
  });

  it.each([
    ['approved', '✓ approved'],
    ['rejected', '✗ rejected'],
    ['edited', '✎ replaced by your edit'],
    ['superseded', '↻ replaced by a revision'],
  ] as const)('a %s card says so instead of listing the keys', (decision, label) => {
    const decided = frameOf(<PlanCard proposal={proposal(PLAN)} tools={tools} color={false} decision={decision} />);
    expect(decided).toContain(label);
    expect(decided).not.toContain('y/Enter run it');
  });

  it('without colour it has no colour escapes; with colour it has some', () => {
    expect(colourSequences(frame)).toEqual([]);
    expect(colourSequences(frameOf(<PlanCard proposal={proposal(PLAN)} tools={tools} color />)).length).toBeGreaterThan(0);
  });

  it('keeps the blank lines between the header, the steps and the legend', () => {
    const at = lines.indexOf('  7 steps, up to 3 at once');
    expect(lines[at + 1]).toBe('');
    const legend = lines.indexOf('! runs commands on this machine');
    expect(lines[legend - 1]).toBe('');
  });
});

describe('PlanCard: cluster steps', () => {
  it('shows the context and namespace each kubectl/helm step touches, inputs filled in, the current ones for a step that names none', () => {
    const kube = describer(createBuiltinRegistry(), { context: 'kind-dev', namespace: 'shop' });
    const plan: PlanInput = {
      goal: 'Deploy web',
      inputs: { kubeContext: 'prod-eu', namespace: 'web' },
      steps: [
        { id: 'apply', tool: 'k8s_apply', args: { manifests: 'k8s/', context: '{{ inputs.kubeContext }}', namespace: '{{ inputs.namespace }}' } },
        { id: 'pods', tool: 'kubectl', args: { args: ['get', 'pods', '-A'] }, dependsOn: ['apply'] },
        { id: 'chart', tool: 'helm', args: { args: ['list', '--kube-context', 'staging', '-n', 'tools'] }, dependsOn: ['apply'] },
        { id: 'image', tool: 'podman', args: { args: ['build', '.'] } },
        { id: 'other', tool: 'kubectl', args: { args: ['get', 'pods', '--kubeconfig', '/tmp/other', '--context', 'kind-dev'] }, dependsOn: ['apply'] },
      ],
    };
    const frame = frameOf(<PlanCard proposal={proposal(plan)} tools={kube} color={false} />);
    const lines = frame.split('\n').map((line) => line.replace(/^│\s*|\s*│$/g, ''));
    expect(lines).toContain('cluster prod-eu · namespace web');
    expect(lines).toContain('cluster kind-dev (current) · all namespaces');
    expect(lines).toContain('cluster staging · namespace tools');
    expect(lines).toContain('cluster set by its --kubeconfig, not by a kube context');
    expect(frame.match(/cluster /g)).toHaveLength(4);
  });
});

describe('PlanCard: shell steps that run kubectl or helm', () => {
  it('once their lines are read, show the cluster and namespace of each command, as cluster tools do; other shell steps none', async () => {
    const kube = describer(createBuiltinRegistry(), { context: 'kind-dev', namespace: 'shop', namespaces: { 'kind-dev': 'shop', 'prod-eu': 'billing' } });
    const plan: PlanInput = {
      goal: 'Look at the clusters',
      inputs: { target: 'prod-eu' },
      steps: [
        { id: 'here', tool: 'shell', args: { command: 'kubectl get pods | grep Running' } },
        { id: 'named', tool: 'shell', args: { command: 'helm list --kube-context {{ inputs.target }} && kubectl --context prod-eu -n web get svc' } },
        { id: 'plain', tool: 'shell', args: { command: 'echo kubectl' } },
      ],
    };
    const app = render(<PlanCard proposal={proposal(plan)} tools={kube} color={false} />);
    try {
      await eventually(() => (app.lastFrame()?.includes('namespace web') ? true : undefined));
      const lines = body(app.lastFrame() ?? '').map((line) => line.trim());
      expect(lines).toContain("cluster kind-dev (current) · namespace shop (the context's)");
      expect(lines).toContain("cluster prod-eu · namespace billing (the context's)");
      expect(lines).toContain('cluster prod-eu · namespace web');
      expect(lines.filter((line) => line.startsWith('cluster '))).toHaveLength(3);
    } finally {
      app.unmount();
    }
  });
});

describe('PlanDecisionLine', () => {
  it('names the plan above by its goal, control characters shown as escapes like the card', () => {
    const { lastFrame, unmount } = render(<PlanDecisionLine plan={{ goal: 'ship \u001b[2Kit', inputs: {} }} decision="approved" color={false} />);
    expect(lastFrame()).toBe('✓ approved: the plan above (ship \\e[2Kit)');
    unmount();
  });
});
