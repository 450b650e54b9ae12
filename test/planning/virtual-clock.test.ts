import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../helpers/virtual-clock.js';

describe('VirtualClock (test helper)', () => {
  it('fires timers in time order, equal times in the order they were set', async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimer(20, () => fired.push('b@20'));
    clock.setTimer(10, () => fired.push('a@10'));
    clock.setTimer(20, () => fired.push('c@20'));
    clock.setTimer(0, () => fired.push('z@0'));
    await clock.advanceTo(100);
    expect(fired).toEqual(['z@0', 'a@10', 'b@20', 'c@20']);
    expect(clock.elapsed).toBe(100);
  });

  it('cancelled timers never fire and are not counted', async () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    const cancel = clock.setTimer(5, () => fired.push(5));
    clock.setTimer(6, () => fired.push(6));
    expect(clock.pendingTimers).toBe(2);
    cancel();
    cancel();
    expect(clock.pendingTimers).toBe(1);
    await clock.advanceBy(10);
    expect(fired).toEqual([6]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('lets promise chains settle between timers', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimer(10, () => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => {
          log.push(`chain@${clock.elapsed}`);
          clock.setTimer(0, () => log.push(`follow-up@${clock.elapsed}`));
        });
    });
    clock.setTimer(10, () => log.push(`second@${clock.elapsed}`));
    await clock.advanceTo(10);
    expect(log).toEqual(['chain@10', 'second@10', 'follow-up@10']);
  });

  it('run() drives time until the promise settles', async () => {
    const clock = new VirtualClock();
    const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimer(ms, resolve));
    const work = (async () => {
      for (let i = 0; i < 1000; i++) await sleep(7);
      return clock.elapsed;
    })();
    await expect(clock.run(work)).resolves.toBe(7000);
  });

  it('run() reports a hang instead of waiting forever', async () => {
    const clock = new VirtualClock();
    await expect(clock.run(new Promise(() => {}))).rejects.toThrow(/hang/);
  });

  it('run() passes on the rejection of the promise', async () => {
    const clock = new VirtualClock();
    const failing = new Promise((_, reject) => clock.setTimer(5, () => reject(new Error('nope'))));
    await expect(clock.run(failing)).rejects.toThrow('nope');
  });

  it('at() schedules at an absolute offset from the epoch', async () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    await clock.advanceTo(30);
    clock.at(50, () => seen.push(clock.elapsed));
    await clock.advanceTo(60);
    expect(seen).toEqual([50]);
    expect(clock.now()).toBe(60);
  });
});
