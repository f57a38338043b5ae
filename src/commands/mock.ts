/**
 * `certkey mock`: serve a bundle file, or a directory of them (one per task id), as SMS
 * would, on loopback, until stopped. The base URL is the first line on stdout, ready for
 * `--endpoint`.
 */
import { stat } from 'node:fs/promises';
import { CertkeyError, EXIT } from '../errors.js';
import { toRawBundle } from '../intake/bundle.js';
import { readBundleText } from '../intake/load.js';
import type { AkSkCredentials } from '../intake/sign.js';
import { faultHook } from '../mock/faults.js';
import { bundlesFromDir } from '../mock/bundles-dir.js';
import { startMock, type BundleSource } from '../mock/server.js';

/** The mock's options, checked. */
interface MockCommandOptions {
  host: string;
  port: number;
  token: string;
  bundle: string;
  /** `--bundles-dir DIR`: serve DIR/<task_id>.json; `bundle` is then empty. */
  bundlesDir?: string;
  taskId?: string;
  /** `--fault NAME[:ARGUMENT]`: misbehave in one way (see src/mock/faults.ts). */
  fault?: string;
}

/** Runs the mock until SIGINT or SIGTERM, then closes it and returns 0. */
export async function mockCommand(argv: Record<string, unknown>): Promise<number> {
  const options = readOptions(argv);
  const fault = options.fault;

  let text = '';
  let bundles: BundleSource;
  if (options.bundlesDir !== undefined) {
    bundles = await servedDir(options.bundlesDir);
  } else {
    const read = await readBundleText(options.bundle);
    toRawBundle(read.json, read.origin);
    text = read.text;
    const only = options.taskId;
    bundles = (taskId) => (only === undefined || taskId === only ? text : undefined);
  }

  const server = await startMock({
    host: options.host,
    port: options.port,
    token: options.token,
    ...(await akskOf(argv['credentials-file'])),
    bundles,
    ...(fault === undefined ? {} : { intercept: faultHook(fault, { body: text }) }),
  });
  process.stdout.write(`${server.url}\n`);
  if (!isLoopback(options.host)) {
    process.stderr.write(
      `certkey: warning: serving on ${options.host}: anyone who can reach it and has the ` +
        'token can read the private keys in this bundle\n',
    );
  }

  await stopSignal();
  await server.close();
  return EXIT.ok;
}

/** Reads and checks the command line; the token comes from --token or SMS_AUTH_TOKEN. */
function readOptions(argv: Record<string, unknown>): MockCommandOptions {
  const token = stringOption(argv['token']) ?? stringOption(process.env['SMS_AUTH_TOKEN']);
  if (!token) {
    throw new CertkeyError(
      'E_USAGE',
      'the mock needs a token: none given with --token or in SMS_AUTH_TOKEN',
      'pass --token, or set SMS_AUTH_TOKEN, to the value clients must send as X-Auth-Token',
    );
  }

  const bundle = stringOption(argv['bundle']) ?? '';
  const bundlesDir = stringOption(argv['bundlesDir'] ?? argv['bundles-dir']);
  if (bundle && bundlesDir) {
    throw new CertkeyError('E_USAGE', '--bundle and --bundles-dir both given', 'give one');
  }
  if (bundlesDir && argv['fault'] !== undefined) {
    throw new CertkeyError(
      'E_USAGE',
      '--fault works with --bundle only',
      'serve one bundle with --bundle to inject a fault',
    );
  }
  if (!bundle && !bundlesDir) {
    throw new CertkeyError(
      'E_USAGE',
      'the mock needs a bundle to serve: --bundle FILE or --bundles-dir DIR',
      'pass a saved certkey reply, or make one with `certkey gen --out bundle.json`',
    );
  }

  const port = argv['port'] ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CertkeyError('E_USAGE', '--port must be 0 to 65535', 'use --port 0 for any port');
  }

  const host = stringOption(argv['host']) ?? '127.0.0.1';
  const taskId = stringOption(argv['taskId'] ?? argv['task-id']);
  const fault = stringOption(argv['fault']);
  return {
    host,
    port,
    token,
    bundle,
    ...(bundlesDir !== undefined ? { bundlesDir } : {}),
    ...(taskId !== undefined ? { taskId } : {}),
    ...(fault !== undefined ? { fault } : {}),
  };
}

/**
 * The bundles of a directory; E_INPUT_READ when it is not a readable directory. A refused
 * link or special file is said on stderr, so the one serving sees why a task was 404.
 */
async function servedDir(dir: string): Promise<BundleSource> {
  const kind = await stat(dir).then(
    (info) => (info.isDirectory() ? 'directory' : 'not a directory'),
    (error: NodeJS.ErrnoException) => error.code ?? 'unreadable',
  );
  if (kind !== 'directory') {
    throw new CertkeyError(
      'E_INPUT_READ',
      `cannot serve the bundles directory ${dir} (${kind})`,
      'pass a directory holding <task_id>.json files to --bundles-dir',
    );
  }
  return bundlesFromDir(dir, (reason) => process.stderr.write(`certkey mock: ${reason}\n`));
}

/** `{ aksk }` from --credentials-file, so signed requests are judged too; else nothing. */
async function akskOf(file: unknown): Promise<{ aksk?: AkSkCredentials }> {
  if (typeof file !== 'string' || file === '') return {};
  const { loadCredentials } = await import('../intake/credentials.js');
  return { aksk: await loadCredentials({ file }) };
}

/** A non-empty string option, else undefined. */
function stringOption(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Loopback addresses, where serving keys reaches only this machine. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Resolves on the first SIGINT or SIGTERM. */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
