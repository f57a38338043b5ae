/**
 * `certkey token`: gets an IAM user token with a user name, domain and password, for
 * `run --task-id` (SMS_AUTH_TOKEN or --token-file). The token goes to a 0600 file with
 * --out, or to stdout when stdout is not a terminal, so that
 * `export SMS_AUTH_TOKEN=$(certkey token ...)` works; it is never shown on a terminal.
 */
import { open } from 'node:fs/promises';
import { CertkeyError, EXIT } from '../errors.js';
import { fetchIamToken, iamTokenUrl, readIamPassword } from '../intake/iam.js';
import { VERSION } from '../version.js';
import { timeoutMsOf } from './run-options.js';

/** The validated options of `certkey token`. */
interface TokenOptions {
  endpoint: string;
  user: string;
  domain: string;
  project: string;
  out?: string;
  timeoutMs: number;
}

/** Runs `certkey token` and returns the exit code. */
export async function tokenCommand(argv: Record<string, unknown>): Promise<number> {
  const options = readTokenOptions(argv);
  iamTokenUrl(options.endpoint);
  if (options.out === undefined && process.stdout.isTTY) {
    throw new CertkeyError(
      'E_USAGE',
      'the token would be shown on the terminal',
      'pass --out FILE (written with mode 0600), or capture it: ' +
        'export SMS_AUTH_TOKEN=$(certkey token ...)',
    );
  }

  const who = `${options.user}@${options.domain}`;
  const password = await readIamPassword({ who });
  const { token, expiresAt } = await fetchIamToken({
    endpoint: options.endpoint,
    user: options.user,
    domain: options.domain,
    project: options.project,
    password,
    timeoutMs: options.timeoutMs,
    userAgent: `certkey/${VERSION}`,
  });

  if (options.out === undefined) {
    process.stdout.write(`${token}\n`);
    return EXIT.ok;
  }
  await writeSecretFile(options.out, token);
  const until = expiresAt ? `, valid until ${expiresAt}` : '';
  process.stderr.write(
    `certkey: wrote the IAM token for ${who} (project ${options.project}) to ${options.out}` +
      `${until}; use it with --token-file ${options.out}\n`,
  );
  return EXIT.ok;
}

/** Checks the flags; each mistake is E_USAGE naming the flag. */
function readTokenOptions(argv: Record<string, unknown>): TokenOptions {
  const text = (flag: string, example: string): string => {
    const value = argv[flag];
    if (typeof value === 'string' && value.trim()) return value.trim();
    throw new CertkeyError('E_USAGE', `--${flag} is missing or empty`, `add --${flag} ${example}`);
  };

  const timeoutMs = timeoutMsOf(argv['timeout']);
  const out = argv['out'];
  if (out !== undefined && (typeof out !== 'string' || out === '')) {
    throw new CertkeyError('E_USAGE', '--out needs a file name', 'add --out FILE');
  }

  return {
    endpoint: text('iam-endpoint', 'https://iam.myhuaweicloud.com'),
    user: text('user', 'NAME (the IAM user)'),
    domain: text('domain', 'NAME (the account the user belongs to)'),
    project: text('project', 'NAME (the project, often the region id: ap-southeast-3)'),
    ...(typeof out === 'string' ? { out } : {}),
    timeoutMs,
  };
}

/**
 * Writes a secret to a file only this user can read. The mode is set before anything is
 * written, so a file that existed with a looser mode is tightened first.
 */
async function writeSecretFile(path: string, secret: string): Promise<void> {
  try {
    const handle = await open(path, 'w', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(`${secret}\n`);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unwritable';
    throw new CertkeyError(
      'E_USAGE',
      `cannot write the token to ${path} (${code})`,
      'give --out a path in a directory this user can write',
    );
  }
}
