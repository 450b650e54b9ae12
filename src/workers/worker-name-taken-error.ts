import { KsaError } from '../planning/index.js';
import type { WorkerInfo } from './worker-registry.js';

/** `ksa worker --name` of a worker that is live: two workers under one name would take each other's steps and rollbacks. */
export class WorkerNameTakenError extends KsaError {
  readonly workerName: string;
  /** The live worker's registry entry, when it has one. */
  readonly holder: WorkerInfo | undefined;

  constructor({ name, holder, now = Date.now() }: { name: string; holder?: WorkerInfo; now?: number }) {
    const who = holder ? ` (pid ${holder.pid} on ${holder.host}, last seen ${Math.max(0, Math.round((now - Date.parse(holder.lastSeen)) / 1000))}s ago)` : '';
    super({ name: 'WorkerNameTakenError', message: `a worker named ${name} is already live${who}: give this one another --name, or stop that one first` });
    this.workerName = name;
    this.holder = holder;
  }
}
