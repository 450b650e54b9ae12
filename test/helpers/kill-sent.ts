import { readFileSync } from 'node:fs';

/** PF_EXITING in /proc/PID/stat's flags: the process is in its exit. */
const PF_EXITING = 0x4;
/** SIGKILL's bit in the pending-signal masks of /proc/PID/status. */
const SIGKILL_BIT = 1n << 8n;

/**
 * Whether SIGKILL has reached `pid` already: it is gone, a zombie, in its exit, or has SIGKILL pending. Unlike
 * "is it dead yet", this holds from the moment the signal was sent, however late a loaded machine schedules the
 * process to die; so a test can check a kill happened before something else (ksa saying it stopped at once)
 * without waiting for it. Linux only (reads /proc).
 */
export function killSent(pid: number): boolean {
  let stat: string;
  let status: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return true;
  }
  // After "(comm) ": state is the first field, flags the seventh.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X' || (Number(fields[6]) & PF_EXITING) !== 0) return true;
  const pending = (name: string) => BigInt(`0x${new RegExp(`^${name}:\\s*([0-9a-f]+)`, 'm').exec(status)?.[1] ?? '0'}`);
  return ((pending('SigPnd') | pending('ShdPnd')) & SIGKILL_BIT) !== 0n;
}
