import type { Random } from './random.js';

/**
 * The tasks of P6: what an operator asks a deploy agent, each a set of tool
 * calls with independent parts (health checks, image pulls, test suites,
 * `kubectl describe`s) and some that must wait (deploy after build, a summary
 * after the checks). Every tool call is a `shell` command; its simulated
 * duration is drawn per task from the seed.
 */

export type AgentTask = {
  readonly name: string;
  /** What the plan-and-execute planner returns (and the tool loop does, one call per turn). */
  readonly plan: { readonly goal: string; readonly steps: TaskStep[] };
  /** Virtual milliseconds of each command. */
  readonly durations: ReadonlyMap<string, number>;
};

export type TaskStep = { readonly id: string; readonly tool: 'shell'; readonly args: { command: string }; readonly dependsOn?: string[] };

/** Tool latencies: kubectl/curl-sized calls to image pulls and test suites. */
export const MIN_TOOL_MS = 300;
export const MAX_TOOL_MS = 6_000;

type Shape = { readonly name: string; readonly goal: string; readonly steps: readonly (readonly [id: string, command: string, dependsOn?: readonly string[]])[] };

const SHAPES: readonly Shape[] = [
  {
    name: 'health-checks',
    goal: 'Check every service of the shop and summarise',
    steps: [
      ...['cart', 'catalog', 'checkout', 'payments', 'search', 'users', 'orders', 'mail'].map((svc) => [`check_${svc}`, `curl -fsS http://${svc}.shop.svc/healthz`] as const),
      ['summary', 'cat /tmp/health/*.json', ['check_cart', 'check_catalog', 'check_checkout', 'check_payments', 'check_search', 'check_users', 'check_orders', 'check_mail']],
    ],
  },
  {
    name: 'ci-then-deploy',
    goal: 'Test, build and deploy the shop to staging and prod-canary',
    steps: [
      ['install', 'npm ci'],
      ['lint', 'npm run lint', ['install']],
      ['typecheck', 'npm run typecheck', ['install']],
      ['unit', 'npm test', ['install']],
      ['image', 'docker build -t shop:1.4.2 .', ['install']],
      ['deploy_staging', 'kubectl apply -k k8s/staging', ['lint', 'typecheck', 'unit', 'image']],
      ['deploy_canary', 'kubectl apply -k k8s/canary', ['lint', 'typecheck', 'unit', 'image']],
      ['smoke', 'curl -fsS https://staging.shop.example/healthz', ['deploy_staging', 'deploy_canary']],
    ],
  },
  {
    name: 'pull-and-install',
    goal: 'Pull the images and install the three charts',
    steps: [
      ...['api', 'web', 'worker', 'redis', 'postgres', 'nginx'].map((image) => [`pull_${image}`, `docker pull registry.local/${image}:1.4.2`] as const),
      ['helm_backend', 'helm upgrade --install backend charts/backend', ['pull_api', 'pull_worker', 'pull_postgres']],
      ['helm_frontend', 'helm upgrade --install frontend charts/frontend', ['pull_web', 'pull_nginx']],
      ['helm_cache', 'helm upgrade --install cache charts/cache', ['pull_redis']],
      ['verify', 'kubectl rollout status deploy --all -n shop', ['helm_backend', 'helm_frontend', 'helm_cache']],
    ],
  },
  {
    name: 'diagnose',
    goal: 'Find out why checkout is failing',
    steps: [
      ['pods', 'kubectl get pods -n shop -o wide'],
      ['events', 'kubectl get events -n shop --sort-by=.lastTimestamp'],
      ['describe_checkout', 'kubectl describe deploy checkout -n shop'],
      ['logs_checkout', 'kubectl logs deploy/checkout -n shop --tail=200'],
      ['logs_payments', 'kubectl logs deploy/payments -n shop --tail=200'],
      ['top', 'kubectl top pods -n shop'],
    ],
  },
];

export function agentTasks(rng: Random): AgentTask[] {
  return SHAPES.map((shape) => {
    const durations = new Map<string, number>();
    const steps = shape.steps.map(([id, command, dependsOn]): TaskStep => {
      durations.set(command, Math.round(rng.logUniform(MIN_TOOL_MS, MAX_TOOL_MS)));
      return { id, tool: 'shell', args: { command }, ...(dependsOn ? { dependsOn: [...dependsOn] } : {}) };
    });
    return { name: shape.name, plan: { goal: shape.goal, steps }, durations };
  });
}

/** The steps in an order the tool loop can follow (dependencies first): plan order already is one. */
export function sequentialOrder(task: AgentTask): readonly TaskStep[] {
  const done = new Set<string>();
  for (const step of task.plan.steps) {
    for (const dep of step.dependsOn ?? []) if (!done.has(dep)) throw new Error(`task ${task.name}: ${step.id} comes before its dependency ${dep}`);
    done.add(step.id);
  }
  return task.plan.steps;
}
