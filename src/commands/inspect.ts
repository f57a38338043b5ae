/**
 * `certkey inspect`: shows every certificate and key of a bundle as a person reads it, and
 * the chain as a tree with each link's verdict. It does not judge: exit 0 whenever the
 * bundle could be shown, 2 when the input cannot be read, 3 when it could not be fetched.
 */
import { EXIT } from '../errors.js';

/** Runs `certkey inspect` and returns the process exit code. */
export async function inspectCommand(argv: Record<string, unknown>): Promise<number> {
  const { readSource, readSourceOptions } = await import('../inspect/source.js');
  const options = await readSourceOptions(argv, 'inspect');
  const raw = await readSource(options);

  const { inspectBundle } = await import('../inspect/view.js');
  const view = inspectBundle(raw, options.check.at);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    return EXIT.ok;
  }

  const { palette, wantsColour } = await import('../terminal/colour.js');
  const { renderInspect } = await import('../inspect/render.js');
  process.stdout.write(renderInspect(view, palette(wantsColour())));
  return EXIT.ok;
}
