/** Runs work over a list, a fixed number at a time, stopping early when asked. */
import { availableParallelism } from 'node:os';
import { aborted } from './interrupt.js';

/**
 * The default number of tasks checked at once: four per CPU core, at least 4 and at most 32.
 * A task waits on the network for its fetch and spends the rest on TLS handshakes, which
 * take the CPU; four per core keeps every core busy without piling up handshakes that then
 * wait so long for the CPU that they time out.
 */
export function defaultConcurrency(): number {
  return Math.min(32, Math.max(4, availableParallelism() * 4));
}

/**
 * Calls `work` on each item, at most `limit` at once, in order of the list. After `signal`
 * aborts, no new item starts and the returned promise resolves at once, without waiting for
 * those in flight (their results are not wanted any more).
 */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };

  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane);
  const all = Promise.all(lanes).then(() => undefined);
  await (signal ? Promise.race([all, aborted(signal)]) : all);
}
