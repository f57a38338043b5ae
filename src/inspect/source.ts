/**
 * The bundle the support commands (inspect, export) work on: a saved reply, or one fetched
 * from SMS exactly as `certkey run` fetches it. Options are read with run's own helpers.
 */
import { CertkeyError } from '../errors.js';
import type { RawBundle } from '../model.js';
import { readRunOptions, type RunOptions } from '../commands/run-options.js';

/** Reads the source options of a support command: --bundle, or --task-id and --endpoint. */
export async function readSourceOptions(
  argv: Record<string, unknown>,
  command: string,
): Promise<RunOptions> {
  if (argv.bundle === undefined && argv['task-id'] === undefined) {
    throw new CertkeyError(
      'E_USAGE',
      'no bundle: give --bundle FILE or --task-id ID --endpoint URL',
      `see \`certkey ${command} --help\``,
    );
  }
  return readRunOptions(argv);
}

/**
 * Reads the bundle as `certkey run` does (same auth, proxy, private CA and retries):
 * E_INPUT_* (exit 2) for a file that cannot be read, E_FETCH_* (exit 3) when the API gave no
 * bundle.
 */
export async function readSource(options: RunOptions): Promise<RawBundle> {
  const { source } = options;
  const { readSource: readTaskSource } = await import('../wave/check-task.js');
  if (source.kind === 'file') return readTaskSource(source);
  return readTaskSource({ ...source, timeoutMs: options.timeoutMs });
}
