/**
 * A small pool of worker threads that check a wave's bundles, so every CPU core does TLS
 * handshakes and parsing while the main thread fetches bundles and writes the reports.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { debuglog } from 'node:util';
import { Worker } from 'node:worker_threads';
import { scrubSecrets } from '../errors.js';
import type { CheckOptions, RawBundle } from '../model.js';
import { checkBundle, type BundleChecker, type BundleOutcome } from './check-task.js';
import type { CheckRequest } from './check-worker.js';

const debug = debuglog('certkey');

/** A pool of checking threads. Call `close()` on every path. */
export interface CheckPool {
  check: BundleChecker;
  /** Stops every worker; their listeners close with them, and pending checks never end. */
  close(): Promise<void>;
}

interface Lane {
  worker: Worker;
  pending: Map<number, (outcome: BundleOutcome) => void>;
  /** False once the worker has exited: it takes no more bundles. */
  alive: boolean;
}

/**
 * The worker script beside this module in the build (dist/check-worker.js). Limitation: run
 * from the TypeScript sources (the tests) there is no such script, and tasks are checked on
 * the main thread instead.
 */
const SCRIPT = new URL('./check-worker.js', import.meta.url);

/**
 * The young generation of each worker's heap, in MiB. A check makes much short-lived garbage;
 * with V8's default size the workers held more of it between collections: with this cap a
 * 200-task wave peaked 20-25 MiB lower on Node 20 and 24 and a 1000-task wave ~100 MiB lower,
 * at the same speed (see the README's Speed section). The old generation is left alone: a cap
 * there would turn a large bundle into an out-of-memory error.
 */
const YOUNG_GENERATION_MB = 16;

/**
 * A pool of one worker per CPU core (at most `tasks`), or undefined when workers would not
 * help (a single task, a single core) or the worker script is not there.
 */
export function startCheckPool(tasks: number): CheckPool | undefined {
  const size = Math.min(tasks, availableParallelism());
  if (size < 2 || !existsSync(fileURLToPath(SCRIPT))) return undefined;

  const lanes: Lane[] = Array.from({ length: size }, () => startLane());
  let next = 0;
  return {
    check(raw: RawBundle, check: CheckOptions): Promise<BundleOutcome> {
      // The live lane with the fewest bundles in hand takes the next one; with none left,
      // this thread checks it.
      const live = lanes.filter((l) => l.alive);
      const lane = live.reduce<Lane | undefined>(
        (best, l) => (best === undefined || l.pending.size < best.pending.size ? l : best),
        undefined,
      );
      if (lane === undefined) return checkBundle(raw, check);
      const id = next++;
      return new Promise((resolve) => {
        lane.pending.set(id, resolve);
        lane.worker.postMessage({ id, raw, check } satisfies CheckRequest);
      });
    },
    async close() {
      for (const lane of lanes) lane.alive = false;
      await Promise.all(lanes.map((lane) => lane.worker.terminate()));
    },
  };
}

function startLane(): Lane {
  const limits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
  const worker = new Worker(SCRIPT, { resourceLimits: limits });
  const pending = new Map<number, (outcome: BundleOutcome) => void>();
  const lane: Lane = { worker, pending, alive: true };
  worker.on('message', (message: { id: number; outcome: BundleOutcome }) => {
    pending.get(message.id)?.(message.outcome);
    pending.delete(message.id);
  });
  const stopped = (reason: string) => {
    // A worker that died takes its tasks with it: each becomes an error row, not a hang.
    lane.alive = false;
    for (const [id, resolve] of pending) {
      resolve({
        checks: [],
        error: {
          code: 'E_INTERNAL',
          message: `the thread checking this task stopped: ${scrubSecrets(reason)}`,
          remedy: 'this is a bug in certkey: run again with NODE_DEBUG=certkey and report it',
        },
        checksMs: 0,
        handshakeMs: 0,
      });
      pending.delete(id);
    }
  };
  worker.on('error', (error) => {
    debug('check worker failed: %s', error.message);
    stopped(error.message);
  });
  worker.on('exit', (code) => stopped(`it exited with code ${code}`));
  return lane;
}
