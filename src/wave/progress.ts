/**
 * A one-line counter on stderr while a wave runs, only when stderr is a terminal: never in a
 * pipe, a file or CI, where it would only clutter logs.
 */

/** What a progress line is told. */
export interface Progress {
  /** One more task ended; `failed` when a check failed, `error` when it was not checked. */
  tick(outcome: 'pass' | 'failed' | 'error'): void;
  /** Removes the line. */
  done(): void;
}

/** The counter for `total` tasks, or one that writes nothing when stderr is not a terminal. */
export function createProgress(total: number, stream: NodeJS.WriteStream = process.stderr) {
  if (!stream.isTTY || process.env.CI || total < 2) return silent();

  const counts = { ended: 0, failed: 0, error: 0 };
  const draw = () =>
    stream.write(
      `\r\u001b[2Kcertkey: ${counts.ended}/${total} tasks checked, ` +
        `${counts.failed} failed, ${counts.error} not checked`,
    );
  draw();
  return {
    tick(outcome) {
      counts.ended += 1;
      if (outcome !== 'pass') counts[outcome] += 1;
      draw();
    },
    done() {
      stream.write('\r\u001b[2K');
    },
  } satisfies Progress;
}

function silent(): Progress {
  return { tick: () => undefined, done: () => undefined };
}
