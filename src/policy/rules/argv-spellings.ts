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
  if (program !== 'kubectl') return forms;
  // `delete namespace prod`, `delete namespaces/prod`, `delete ns staging prod` are also `delete ns prod`.
  const seen = new Set([whole, ...forms.map((form) => form.join('\0'))]);
  const named = forms.flatMap(kubeResourceSpellings).filter((form) => !seen.has(form.join('\0')) && seen.add(form.join('\0')));
  return [...forms, ...named];
}
