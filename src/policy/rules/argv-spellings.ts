import { optionFreeWords } from './option-free-forms.js';
import { dockerSpellings } from './docker-spelling.js';
import { kubeSpelling } from './kube-spelling.js';
import { kubeResourceSpellings } from './kube-resources.js';

/** The other spellings of a kubectl, helm, docker or podman argv that deny and ask rules also match; none for other programs. */
export function argvSpellings(program: string, args: readonly string[]): (readonly string[])[] {
  const spelled = program === 'kubectl' || program === 'helm' ? [kubeSpelling(program, args)] : program === 'docker' || program === 'podman' ? dockerSpellings(args) : [];
  if (spelled.length === 0) return spelled;
  // `kubectl -n default delete ns prod` is also `delete ns prod`: option values are left out wherever they stand.
  const whole = args.join('\0');
  const forms = [...spelled, ...optionFreeWords(program, args).filter((kept) => kept.join('\0') !== whole)];
  if (program === 'helm') return [...forms, ...helmNamespaceFirst(spelled[0]!)];
  if (program !== 'kubectl') return forms;
  // `delete namespace prod`, `delete namespaces/prod`, `delete ns staging prod` are also `delete ns prod`.
  const seen = new Set([whole, ...forms.map((form) => form.join('\0'))]);
  const named = forms.flatMap(kubeResourceSpellings).filter((form) => !seen.has(form.join('\0')) && seen.add(form.join('\0')));
  return [...forms, ...named];
}

/**
 * `uninstall web --kube-context x -n prod` also as `uninstall web -n prod --kube-context x`: rules name the namespace
 * right after the release (`helm: "uninstall web -n prod *"`), a call or a step's `namespace:` and `context:` may
 * write it after other options. The last `-n` counts, as helm reads it; nothing after `--` moves.
 */
function helmNamespaceFirst(args: readonly string[]): (readonly string[])[] {
  const dash = args.indexOf('--');
  const own = dash === -1 ? args : args.slice(0, dash);
  const at = own.lastIndexOf('-n');
  const firstOption = own.findIndex((word, index) => index > 0 && word.startsWith('-'));
  if (at === -1 || at + 1 >= own.length || firstOption === -1 || firstOption >= at) return [];
  const moved = [...own.slice(0, firstOption), '-n', own[at + 1]!, ...own.slice(firstOption, at), ...own.slice(at + 2)];
  return [dash === -1 ? moved : [...moved, ...args.slice(dash)]];
}
