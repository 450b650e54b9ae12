/**
 * kubectl's options as its parser (pflag) reads them: which take the next word as their value, per command where that
 * differs, and which pick objects other than by name. From `kubectl <command> --help` of kubectl 1.32 and `kubectl
 * options` (the global ones), with the options newer releases added (kubectl's source: `--applyset`, `--detach-keys`,
 * autoscale's `--cpu` and `--memory`, explain's `--max-depth`, kuberc's). An option with a default for when it is
 * written bare (`--cascade`, `--dry-run`, `--validate`) takes a value only after `=`, as a flag like `--all` does.
 */

/** Global options (every command reads them) that take a value. */
export const KUBECTL_GLOBAL_VALUE_OPTIONS: readonly string[] = [
  '-n', '--namespace', '--context', '--cluster', '--user', '--kubeconfig', '-s', '--server', '--token', '--as', '--as-group', '--as-uid', '--request-timeout',
  '--cache-dir', '--certificate-authority', '--client-certificate', '--client-key', '--tls-server-name', '-v', '--v', '--vmodule', '--log-flush-frequency',
  '--profile', '--profile-output', '--username', '--password',
];

/** Every command's long options that take a value; those that are flags in some command are in FLAG_IN. */
const VALUE_LONG = new Set([
  ...KUBECTL_GLOBAL_VALUE_OPTIONS.filter((option) => option.startsWith('--')),
  ...(
    '--accept-hosts --accept-paths --address --aggregation-rule --annotation --annotations --api-group --api-prefix --api-version --audience --auth-provider ' +
    '--auth-provider-arg --bound-object-kind --bound-object-name --bound-object-uid --categories --cert --chunk-size --class --cluster-ip --clusterip ' +
    '--clusterrole --concurrency --container --containers --copy-to --cpu-percent --current-replicas --custom --default-backend --description --docker-email ' +
    '--docker-password --docker-server --docker-username --duration --env --exec-api-version --exec-arg --exec-command --exec-env --exec-interactive-mode ' +
    '--external-ip --external-name --field-manager --field-selector --filename --for --from --from-env-file --from-file --from-literal --grace-period --group ' +
    '--hard --helm-api-versions --helm-command --helm-kube-version --image --image-pull-policy --keepalive --key --keys --kustomize --label-columns --labels ' +
    '--limit-bytes --limits --load-balancer-ip --load-restrictor --max --max-log-requests --max-unavailable --min --min-available --mount --name --namespaces ' +
    '--network-name --node-port --non-resource-url --output --output-directory --override-type --overrides --patch --patch-file --pod-running-timeout ' +
    '--pod-selector --port --preemption-policy --prefix --protocol --proxy-url --prune-allowlist --raw --reject-methods --reject-paths --replicas --requests ' +
    '--resource --resource-name --resource-version --restart --retries --revision --role --rule --schedule --scopes --selector --serviceaccount ' +
    '--session-affinity --set-image --since --since-time --skip-wait-for-delete-timeout --sort-by --subresource --tail --target --target-port --tcp --template ' +
    '--timeout --to-revision --type --types --unix-socket --value --verb --verbs --www --www-prefix ' +
    '--applyset --detach-keys --cpu --memory --max-depth --policy --allowlist-entry --section --command --option --appendarg --prependarg'
  ).split(' '),
]);

/** Every command's one-letter options that take a value (`-n prod`, `-ojson`); `-p` and `-w` as FLAG_IN and VALUE_IN say. */
const VALUE_LETTERS = 'cefklnoprsuvLP';

/** Options that take a value in most commands but none in these (`logs -f` follows, `logs -p` shows the previous container's). */
const FLAG_IN: Readonly<Record<string, readonly string[]>> = { logs: ['-f', '-p', '--prefix'], 'top pod': ['--containers'], 'config view': ['--raw'] };
/** Options that are flags in most commands but take a value in these (`get -w` watches; `proxy -w` is `--www`). */
const VALUE_IN: Readonly<Record<string, readonly string[]>> = { proxy: ['-w'] };

/** Commands whose second word names a command of its own (`rollout restart`, `set image`, `top pod`, `config view`). */
const GROUPS = new Set(['rollout', 'set', 'create', 'top', 'config', 'auth', 'certificate', 'apply', 'cluster-info', 'plugin', 'kuberc']);

/** The command an argv names, subcommand first (`delete`, `rollout restart`): what its options mean depends on it. */
export function kubectlCommand(args: readonly string[]): string {
  const [first, second] = args;
  if (first === undefined) return '';
  return GROUPS.has(first) && second !== undefined && !second.startsWith('-') ? `${first} ${second}` : first;
}

/** How an option picks the objects a call acts on: all of a kind, by a selector, or in every namespace. */
export type Picking = 'all' | 'selector' | 'namespaces';

/** An option word as a command reads it: whether the next word is its value, and what it picks (`-Al`: both). */
export type KubectlOption = { readonly takesNext: boolean; readonly picks: readonly Picking[] };

/** Commands where `-l`/`--selector` labels what they make, or is the selector of what they make (`expose --selector`, `create pdb --selector`). */
const MAKES_SELECTOR = /^(?:run|expose|create(?: .*)?)$/;

/**
 * An option word of `command` (kubectlCommand): `--timeout` takes the next word, `--timeout=60s` and `--all` do not;
 * a cluster of letters (`-Al`) is read letter by letter, the first one that takes a value taking the rest of the word
 * (`-lapp=web`, `-nprod`) or, when last, the next word. `--all`, `-l`, `--selector` and `--field-selector` pick
 * objects (but where they label what a command makes), `-A` and `--all-namespaces` every namespace; `=false` picks none.
 */
export function kubectlOption(command: string, word: string): KubectlOption {
  if (word.startsWith('--')) {
    const equals = word.indexOf('=');
    const name = equals === -1 ? word : word.slice(0, equals);
    const value = equals === -1 ? undefined : word.slice(equals + 1);
    const picks = picking(command, name, value);
    return { takesNext: value === undefined && takesValue(command, name), picks: picks === undefined ? [] : [picks] };
  }
  const picks: Picking[] = [];
  for (let i = 1; i < word.length; i++) {
    const letter = `-${word[i]!}`;
    if (letter === '-A') picks.push('namespaces');
    if (!takesValue(command, letter)) continue;
    // pflag reads `-n=prod` as `-n` with the value `prod`.
    const value = word.slice(word[i + 1] === '=' ? i + 2 : i + 1);
    const picked = picking(command, letter, value === '' ? undefined : value);
    return { takesNext: value === '', picks: picked === undefined ? picks : [...picks, picked] };
  }
  return { takesNext: false, picks };
}

function takesValue(command: string, name: string): boolean {
  if (FLAG_IN[command]?.includes(name) === true) return false;
  if (VALUE_IN[command]?.includes(name) === true) return true;
  return name.startsWith('--') ? VALUE_LONG.has(name) : name.length === 2 && VALUE_LETTERS.includes(name[1]!);
}

const FALSE = /^(?:false|f|0)$/i;

function picking(command: string, name: string, value: string | undefined): Picking | undefined {
  if (name === '--all') return value !== undefined && FALSE.test(value) ? undefined : 'all';
  if (name === '--all-namespaces') return value !== undefined && FALSE.test(value) ? undefined : 'namespaces';
  if (name === '--field-selector') return 'selector';
  return (name === '-l' || name === '--selector') && !MAKES_SELECTOR.test(command) ? 'selector' : undefined;
}
