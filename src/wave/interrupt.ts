/**
 * Ctrl-C and SIGTERM during a run: the first signal stops the wave so the reports written so
 * far can be marked incomplete; a second one exits at once.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT } from '../errors.js';

/** The signals a run answers, with the exit code each leads to (128 + signal number). */
export const INTERRUPT_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = {
  SIGINT: EXIT.sigint,
  SIGTERM: EXIT.sigterm,
};

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
    if (received) process.exit(INTERRUPT_EXIT[received]);
    received = name;
    controller.abort();
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
