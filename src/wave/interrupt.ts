/**
 * Ctrl-C and SIGTERM during a run: the first signal stops the wave so the reports written so
 * far can be marked incomplete, and the process ends at the latest GRACE_MS later; a second
 * signal ends it at once.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT } from '../errors.js';

/** The signals a run answers, with the exit code each leads to (128 + signal number). */
export const INTERRUPT_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = {
  SIGINT: EXIT.sigint,
  SIGTERM: EXIT.sigterm,
};

/** How long an interrupted run may take to write its reports before it ends without them. */
export const GRACE_MS = 10_000;

/** Pending requests on libuv's thread pool, which process.exit waits for. */
const POOL_REQUESTS = /^(FSReq|GetAddrInfoReqWrap|GetNameInfoReqWrap)/;

/**
 * Ends the process after `signal` with 128 + its number. process.exit first waits for every
 * thread of libuv's pool, so while a file system call that may never return is pending (a
 * pipe without a writer, a hung network mount) the signal is raised again with its default
 * action instead: the process ends at once and the shell still sees 130 or 143.
 */
export function exitAfter(signal: 'SIGINT' | 'SIGTERM'): void {
  const pending = process.getActiveResourcesInfo().some((name) => POOL_REQUESTS.test(name));
  if (!pending) process.exit(INTERRUPT_EXIT[signal]);

  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}

/** A watch over SIGINT and SIGTERM for the length of a run. */
export interface InterruptWatch {
  /** Aborts on the first signal. */
  signal: AbortSignal;
  /** The signal received, if any. */
  received(): 'SIGINT' | 'SIGTERM' | undefined;
  /** Removes the handlers: signals act as usual again. */
  dispose(): void;
}

/** Starts watching; call `dispose()` on every path. */
export function watchInterrupts(): InterruptWatch {
  const controller = new AbortController();
  let received: 'SIGINT' | 'SIGTERM' | undefined;

  const on = (name: 'SIGINT' | 'SIGTERM') => () => {
    if (received) return exitAfter(received);
    received = name;
    controller.abort();
    setTimeout(() => exitAfter(name), GRACE_MS).unref();
  };
  const handlers = { SIGINT: on('SIGINT'), SIGTERM: on('SIGTERM') };
  process.on('SIGINT', handlers.SIGINT);
  process.on('SIGTERM', handlers.SIGTERM);

  return {
    signal: controller.signal,
    received: () => received,
    dispose() {
      process.off('SIGINT', handlers.SIGINT);
      process.off('SIGTERM', handlers.SIGTERM);
    },
  };
}

/** A promise that never settles before `signal` aborts, and resolves when it does. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * Removes the temporary files report writing leaves behind when a run is stopped halfway
 * (`preflight.*.tmp` in the report directory). A missing directory is fine.
 */
export async function removeTemporaryReports(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const stale = names.filter((name) => /^preflight\..*\.tmp$/.test(name));
  await Promise.all(stale.map((name) => rm(join(dir, name), { force: true })));
}
