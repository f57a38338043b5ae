/**
 * Colours for text meant for a person: on for a terminal, off when piped or redirected, off
 * with NO_COLOR (https://no-color.org) and on with FORCE_COLOR, NO_COLOR winning. picocolors
 * does the painting; the decision is made here so that a pipe stays plain even where
 * picocolors would colour it (it colours any output when CI is set).
 */
import pc from 'picocolors';
import type { Status } from '../model.js';

/** The painters: each returns its text unchanged when colours are off. */
export type Palette = ReturnType<typeof pc.createColors>;

/** Whether output to `stream` gets colours, by the environment and whether it is a TTY. */
export function wantsColour(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** A palette, coloured or plain. */
export function palette(colour: boolean): Palette {
  return pc.createColors(colour);
}

/** A verdict as a short tag: `ok`, `FAIL`, `WARN`, `skip`, coloured by its weight. */
export function statusTag(status: Status, paint: Palette): string {
  switch (status) {
    case 'pass':
      return paint.green('ok');
    case 'fail':
      return paint.bold(paint.red('FAIL'));
    case 'warn':
      return paint.yellow('WARN');
    case 'skip':
      return paint.dim('skip');
  }
}
