import { describe, expect, it } from 'vitest';
import { assessCallRisk, type RiskLevel } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// kubectl, helm, docker and podman run as argv tools (never through a shell): the level comes
// from the subcommand and its flags, global flags and their values skipped.

const risk = (tool: string, ...args: string[]) => assessCallRisk(tool, { args }, { parseShell });

describe('argv tools', () => {
  it.each<[string, string[], RiskLevel, string]>([
    ['kubectl', ['get', 'pods'], 'read', 'kubectl get'],
    ['kubectl', ['-n', 'prod', '--context', 'eu', 'get', 'deploy'], 'read', 'kubectl get'],
    ['kubectl', ['--namespace=prod', 'describe', 'pod', 'web-0'], 'read', 'kubectl describe'],
    ['kubectl', ['logs', '-f', 'deploy/web'], 'read', 'kubectl logs'],
    ['kubectl', ['diff', '-f', 'k8s/'], 'read', 'kubectl diff'],
    ['kubectl', ['apply', '-f', 'k8s/', '--dry-run=client'], 'read', 'kubectl apply --dry-run'],
    ['kubectl', ['delete', 'ns', 'prod', '--dry-run=server'], 'read', 'kubectl delete --dry-run'],
    ['kubectl', ['apply', '-f', 'k8s/', '--dry-run=none'], 'write', 'kubectl apply'],
    // Flags end at `--` (after it, --dry-run=server is a name), and the last --dry-run wins.
    ['kubectl', ['delete', 'pod', 'web', '--', '--dry-run=server'], 'destroy', 'kubectl delete'],
    ['kubectl', ['delete', 'pod', 'web', '--dry-run=server', '--dry-run=none'], 'destroy', 'kubectl delete'],
    ['kubectl', ['--dry-run=server', 'delete', 'pod', 'web'], 'read', 'kubectl delete --dry-run'],
    ['kubectl', ['delete', 'pod', 'none', '--dry-run'], 'read', 'kubectl delete --dry-run'],
    ['helm', ['uninstall', 'web', '--', '--dry-run'], 'destroy', 'helm uninstall'],
    ['helm', ['upgrade', 'web', './chart', '--', '--dry-run'], 'write', 'helm upgrade'],
    ['kubectl', ['rollout', 'status', 'deploy/web'], 'read', 'kubectl rollout status'],
    ['kubectl', ['rollout', 'undo', 'deploy/web'], 'write', 'kubectl rollout undo'],
    ['kubectl', ['auth', 'can-i', 'delete', 'pods'], 'read', 'kubectl auth can-i'],
    ['kubectl', ['config', 'use-context', 'prod'], 'write', 'kubectl config use-context'],
    ['kubectl', ['scale', 'deploy/web', '--replicas=3'], 'write', 'kubectl scale'],
    ['kubectl', ['create', 'namespace', 'shop'], 'write', 'kubectl create'],
    ['kubectl', ['run', 'tmp', '--image=busybox'], 'write', 'kubectl run'],
    ['kubectl', ['delete', 'pod', 'web-0'], 'destroy', 'kubectl delete'],
    ['kubectl', ['-n', 'prod', 'delete', '-f', 'k8s/'], 'destroy', 'kubectl delete'],
    ['kubectl', ['drain', 'node-1'], 'destroy', 'kubectl drain'],
    ['kubectl', ['replace', '--force', '-f', 'x.yaml'], 'destroy', 'kubectl replace --force'],
    ['kubectl', ['apply', '--force', '-f', 'x.yaml'], 'destroy', 'kubectl apply --force'],
    ['kubectl', ['delete', 'pod', 'x', '--grace-period=0'], 'destroy', 'kubectl delete'],
    ['kubectl', ['exec', 'web-0', '--', 'ls', '/data'], 'read', 'ls'],
    ['kubectl', ['exec', 'web-0', '--', 'sh', '-c', 'rm -rf /data/*'], 'destroy', 'rm -rf'],
    ['kubectl', ['frobnicate'], 'write', 'kubectl frobnicate'],
    ['kubectl', [], 'read', 'kubectl'],
    ['helm', ['list', '-A'], 'read', 'helm list'],
    ['helm', ['status', 'web'], 'read', 'helm status'],
    ['helm', ['template', 'web', './chart'], 'read', 'helm template'],
    ['helm', ['upgrade', '--install', 'web', './chart', '--dry-run'], 'read', 'helm upgrade --dry-run'],
    ['helm', ['upgrade', '--install', 'web', './chart'], 'write', 'helm upgrade'],
    ['helm', ['rollback', 'web', '3'], 'write', 'helm rollback'],
    ['helm', ['repo', 'add', 'bitnami', 'https://charts.bitnami.com'], 'write', 'helm repo add'],
    ['helm', ['repo', 'list'], 'read', 'helm repo list'],
    ['helm', ['upgrade', 'web', './chart', '--force'], 'destroy', 'helm upgrade --force'],
    ['helm', ['uninstall', 'web', '-n', 'prod'], 'destroy', 'helm uninstall'],
    ['helm', ['-n', 'prod', 'delete', 'web'], 'destroy', 'helm delete'],
    ['docker', ['ps', '-a'], 'read', 'docker ps'],
    ['docker', ['image', 'ls'], 'read', 'docker image ls'],
    ['docker', ['compose', 'ps'], 'read', 'docker compose ps'],
    ['docker', ['logs', '--tail', '20', 'web'], 'read', 'docker logs'],
    ['docker', ['build', '-t', 'x', '.'], 'write', 'docker build'],
    ['docker', ['-H', 'tcp://remote:2375', 'run', '-d', 'nginx'], 'write', 'docker run'],
    ['docker', ['compose', '-f', 'dc.yaml', 'up', '-d'], 'write', 'docker compose up'],
    ['docker', ['compose', 'down'], 'destroy', 'docker compose down'],
    ['docker', ['rm', '-f', 'web'], 'destroy', 'docker rm'],
    ['docker', ['rmi', 'shop:dev'], 'destroy', 'docker rmi'],
    ['docker', ['volume', 'rm', 'data'], 'destroy', 'docker volume rm'],
    ['docker', ['system', 'prune', '-af', '--volumes'], 'destroy', 'docker system prune'],
    ['docker', ['exec', 'db', 'psql', '-c', 'DROP DATABASE shop'], 'destroy', 'DROP through psql in docker exec'],
    ['docker', ['exec', '-e', 'A=1', 'web', 'cat', '/etc/hosts'], 'read', 'cat'],
    // A container given the host's files or the host itself: its command is rated as exec's; otherwise a run is write.
    ['podman', ['run', '--rm', '-v', '/srv:/host', 'alpine', 'rm', '-rf', '/host/etc'], 'destroy', 'rm -rf in podman run with a host folder mounted'],
    ['docker', ['run', '--mount', 'type=bind,src=/srv,dst=/srv', '--entrypoint', 'rm', 'alpine', '-rf', '/srv/app'], 'destroy', 'rm -rf in docker run with a host folder mounted'],
    ['docker', ['run', '--privileged', '--pid=host', 'alpine', 'nsenter', '-t', '1', '-m', 'sh', '-c', 'rm -rf /x'], 'destroy', 'in docker run with --privileged'],
    ['docker', ['container', 'run', '--volumes-from', 'db', 'alpine', 'rm', '-rf', '/var/lib/db'], 'destroy', "rm -rf in docker run with another container's volumes"],
    ['docker', ['run', '--rm', '-v', '/tmp:/t', 'alpine', 'ls', '/t'], 'write', 'docker run'],
    // Short options together, and a value attached to its option.
    ['docker', ['run', '-itv', '/srv:/host', 'alpine', 'rm', '-rf', '/host/x'], 'destroy', 'rm -rf in docker run with a host folder mounted'],
    ['docker', ['run', '-v/srv:/host', 'alpine', 'rm', '-rf', '/host/x'], 'destroy', 'rm -rf in docker run with a host folder mounted'],
    ['podman', ['run', '--volume=/srv:/host', 'alpine', 'rm', '-rf', '/host/x'], 'destroy', 'rm -rf in podman run with a host folder mounted'],
    ['docker', ['run', '-it', '--rm', 'alpine', 'rm', '-rf', '/x'], 'write', 'docker run'],
    // Options ksa does not list, create, --rootfs, a bind made by the volume driver.
    ['docker', ['run', '--domainname', 'x', '-v', '/:/host', 'alpine', 'rm', '-rf', '/host/etc'], 'destroy', 'rm -rf in docker run with a host folder mounted'],
    ['podman', ['run', '--some-new-option', 'x', '-v', '/:/host', 'alpine', 'true'], 'destroy', 'an option ksa does not know (--some-new-option)'],
    ['podman', ['run', '--oom-score-adj', '0', '-v', '/srv:/h', 'alpine', 'rm', '-rf', '/h/x'], 'destroy', 'rm -rf in podman run with a host folder mounted'],
    ['docker', ['create', '--name', 'x', '-v', '/:/host', 'alpine', 'rm', '-rf', '/host/etc'], 'destroy', 'rm -rf in docker run with a host folder mounted'],
    ['docker', ['container', 'create', '-v', '/:/host', 'alpine', 'rm', '-rf', '/host/etc'], 'destroy', 'rm -rf in docker run with a host folder mounted'],
    ['podman', ['run', '--rootfs', '/srv/app', 'rm', '-rf', '/data'], 'destroy', 'rm -rf in podman run with a host folder as its root'],
    ['docker', ['run', '--mount', 'type=volume,dst=/h,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/', 'alpine', 'rm', '-rf', '/h/etc'], 'destroy', 'rm -rf in docker run with a host folder mounted'],
    ['docker', ['run', '--some-new-option', 'x', 'alpine', 'rm', '-rf', '/x'], 'write', 'docker run'],
    ['docker', ['network', 'create', 'backend'], 'write', 'docker network create'],
    ['docker', ['run', '--rm', '-v', '/app:/app', '-w', '/app', 'node:20', 'npm', 'test'], 'write', 'npm test in docker run with a host folder mounted'],
    ['docker', ['run', '--rm', '-v', 'data:/data', 'alpine', 'rm', '-rf', '/data'], 'write', 'docker run'],
    ['docker', ['run', '--rm', 'alpine', 'rm', '-rf', '/etc'], 'write', 'docker run'],
    ['podman', ['pod', 'rm', 'shop'], 'destroy', 'podman pod rm'],
    ['podman', ['images'], 'read', 'podman images'],
  ])('%s %j → %s', async (tool, args, level, reason) => {
    const result = await risk(tool, ...args);
    expect(result.level, result.reason).toBe(level);
    expect(result.reason).toContain(reason);
  });

  it('an argument filled in at run time makes a subcommand unknown, never read', async () => {
    expect((await risk('kubectl', '{{ inputs.verb }}', 'pods')).level).toBe('write');
    expect((await risk('helm', '{{ inputs.verb }}')).level).toBe('write');
  });
});
