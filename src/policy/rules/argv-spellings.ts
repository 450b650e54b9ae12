import { dockerSpellings } from './docker-spelling.js';
import { kubeSpelling } from './kube-spelling.js';

/** The other spellings of a kubectl, helm, docker or podman argv that deny and ask rules also match; none for other programs. */
export function argvSpellings(program: string, args: readonly string[]): (readonly string[])[] {
  if (program === 'kubectl' || program === 'helm') return [kubeSpelling(program, args)];
  return program === 'docker' || program === 'podman' ? dockerSpellings(args) : [];
}
