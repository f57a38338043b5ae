/**
 * The certkey command line. Options are declared here, cheaply; each command's code is
 * loaded with a dynamic import only when that command runs, so start-up stays light.
 */
import yargs from 'yargs';
import { CertkeyError, EXIT, formatError, toCertkeyError } from './errors.js';
import { VERSION } from './version.js';
import { checkFlagValues, joinDashValues } from './cli-args.js';

type Handler = (argv: Record<string, unknown>) => Promise<number>;

/** How fetches reach SMS and IAM: shared by every command that can fetch a bundle. */
const NETWORK_OPTIONS = {
  proxy: {
    type: 'string',
    describe: 'HTTP proxy URL for SMS and IAM, overriding HTTPS_PROXY/HTTP_PROXY/NO_PROXY',
  },
  'endpoint-ca': {
    type: 'string',
    describe: 'PEM file of a private CA to trust for the SMS and IAM endpoints',
  },
  retries: {
    type: 'number',
    default: 3,
    describe: 'retries on network errors, 429 and 5xx, with backoff (0: none)',
  },
} as const;

/** Where inspect and export take a bundle from: a file, or a fetch as `run` makes it. */
const SOURCE_OPTIONS = {
  bundle: { type: 'string', describe: "a saved API reply (JSON); '-' reads stdin" },
  'task-id': { type: 'string', describe: 'SMS migration task id to fetch' },
  endpoint: { type: 'string', describe: 'SMS endpoint, as for run' },
  'token-file': { type: 'string', describe: 'file holding the IAM token (else SMS_AUTH_TOKEN)' },
  'credentials-file': { type: 'string', describe: 'AK/SK file, as for run' },
  ...NETWORK_OPTIONS,
} as const;

/** Runs a command's handler, turning every error into one line and an exit code. */
async function dispatch(load: () => Promise<Handler>, argv: Record<string, unknown>) {
  try {
    const handler = await load();
    process.exitCode = await handler(argv);
  } catch (error) {
    const failure = toCertkeyError(error);
    process.stderr.write(formatError(failure));
    process.exitCode = failure.exitCode;
  }
}

const args = joinDashValues(process.argv.slice(2));
try {
  checkFlagValues(args);
} catch (error) {
  const failure = toCertkeyError(error);
  process.stderr.write(formatError(failure));
  process.exit(failure.exitCode);
}

const cli = yargs(args)
  .scriptName('certkey')
  .version(VERSION)
  .strict()
  .demandCommand(1, 'name a command: run, mock, gen (see certkey --help)')
  .recommendCommands()
  .wrap(Math.min(100, process.stdout.columns || 100))
  .command(
    'run',
    'fetch or read a certkey bundle, check it, prove mutual TLS, write reports',
    (y) =>
      y
        .option('task-id', {
          type: 'string',
          array: true,
          describe: 'SMS migration task id to fetch; repeat it for a wave',
        })
        .option('tasks-file', {
          type: 'string',
          describe: 'file of task ids, one a line (# comments), checked as one wave',
        })
        .option('concurrency', {
          type: 'number',
          describe: 'tasks checked at once (default: 4 per CPU core, 4 to 32)',
        })
        .option('timings', {
          type: 'boolean',
          default: false,
          describe: 'print where the time went on stderr (one JSON line)',
        })
        .option('endpoint', {
          type: 'string',
          describe: 'SMS endpoint, e.g. https://sms.ap-southeast-3.myhuaweicloud.com',
        })
        .option('token-file', {
          type: 'string',
          describe: 'file holding the IAM token (else SMS_AUTH_TOKEN)',
        })
        .option('credentials-file', {
          type: 'string',
          describe: 'AK/SK file: JSON or the console credentials.csv (else HUAWEICLOUD_SDK_AK/SK)',
        })
        .option('iam-user', {
          type: 'string',
          describe:
            'get a token for this IAM user (password: HUAWEICLOUD_IAM_PASSWORD or a prompt)',
        })
        .option('iam-domain', { type: 'string', describe: 'the account (domain) of --iam-user' })
        .option('iam-endpoint', {
          type: 'string',
          describe: 'IAM endpoint for --iam-user (default https://iam.myhuaweicloud.com)',
        })
        .option('iam-project', {
          type: 'string',
          describe: 'project to scope the token to (default: the region in --endpoint)',
        })
        .options(NETWORK_OPTIONS)
        .option('bundle', { type: 'string', describe: "a saved API reply (JSON); '-' reads stdin" })
        .option('save-bundle', { type: 'string', describe: 'keep the fetched reply (mode 0600)' })
        .option('out', {
          type: 'string',
          default: 'reports',
          describe: 'directory for the reports',
        })
        .option('min-days', {
          type: 'number',
          default: 30,
          describe: 'warn when fewer days are left',
        })
        .option('at', {
          type: 'string',
          describe: 'judge dates as of this ISO date (a planned cutover)',
        })
        .option('strict', { type: 'boolean', default: false, describe: 'warnings fail too' })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'print the JSON report on stdout',
        })
        .option('timeout', {
          type: 'number',
          default: 10,
          describe: 'seconds for network and handshakes',
        })
        .option('verbose', { type: 'boolean', default: false, describe: 'progress on stderr' }),
    (argv) => dispatch(async () => (await import('./commands/run.js')).runCommand as Handler, argv),
  )
  .command(
    'inspect',
    'show every certificate and key of a bundle, and its chain as a tree with verdicts',
    (y) =>
      y
        .options(SOURCE_OPTIONS)
        .option('at', { type: 'string', describe: 'count days left from this ISO date' })
        .option('timeout', { type: 'number', default: 10, describe: 'seconds for the network' })
        .option('json', { type: 'boolean', default: false, describe: 'print the view as JSON' }),
    (argv) =>
      dispatch(async () => (await import('./commands/inspect.js')).inspectCommand as Handler, argv),
  )
  .command(
    'export',
    'write a copy of a bundle to share: every private key replaced by its public key',
    (y) =>
      y
        .option('redacted', {
          type: 'boolean',
          default: false,
          describe: 'replace every private key by its public key (required)',
        })
        .options(SOURCE_OPTIONS)
        .option('out', { type: 'string', describe: "the file to write ('-': stdout)" })
        .option('force', { type: 'boolean', default: false, describe: 'replace an existing file' })
        .option('timeout', { type: 'number', default: 10, describe: 'seconds for the network' }),
    (argv) =>
      dispatch(async () => (await import('./commands/export.js')).exportCommand as Handler, argv),
  )
  .command(
    'probe',
    "connect to a live target's listeners with the source certificate, as the SMS Agent does",
    (y) =>
      y
        .option('bundle', {
          type: 'string',
          describe: 'the saved API reply (JSON) to connect with',
        })
        .option('host', { type: 'string', describe: "the target's IP address or host name" })
        .option('mgmt-port', {
          type: 'number',
          default: 8899,
          describe: 'management listener port',
        })
        .option('data-port', { type: 'number', default: 8900, describe: 'data listener port' })
        .option('timeout', { type: 'number', default: 10, describe: 'seconds for each connection' })
        .option('out', {
          type: 'string',
          default: 'reports/probe',
          describe: 'directory for the reports',
        })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'print the JSON report on stdout',
        }),
    (argv) =>
      dispatch(async () => (await import('./commands/probe.js')).probeCommand as Handler, argv),
  )
  .command(
    'mock',
    'serve an SMS-compatible certkey endpoint on loopback',
    (y) =>
      y
        .option('port', { type: 'number', default: 0, describe: 'port (0: any free port)' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
        .option('token', {
          type: 'string',
          describe: 'the token clients must send (else SMS_AUTH_TOKEN)',
        })
        .option('bundle', { type: 'string', describe: 'the bundle JSON file to serve' })
        .option('credentials-file', {
          type: 'string',
          describe: 'also accept requests signed with this AK/SK (JSON or credentials.csv)',
        })
        .option('bundles-dir', {
          type: 'string',
          describe: 'serve DIR/<task_id>.json for each task id (404 when missing)',
        })
        .option('task-id', { type: 'string', describe: 'serve only this task id (default: any)' })
        .option('fault', { type: 'string', describe: 'misbehave: slow-headers, reset, 429...' }),
    (argv) =>
      dispatch(async () => (await import('./commands/mock.js')).mockCommand as Handler, argv),
  )
  .command(
    'gen',
    'write a bundle shaped as SMS returns it, healthy or with one defect',
    (y) =>
      y
        .option('out', {
          type: 'string',
          describe: 'output file, created with mode 0600; needed unless --list',
        })
        .option('defect', { type: 'string', describe: 'one defect to build in (see --list)' })
        .option('list', { type: 'boolean', default: false, describe: 'list the defects and exit' })
        .option('force', { type: 'boolean', default: false, describe: 'replace an existing file' }),
    (argv) => dispatch(async () => (await import('./commands/gen.js')).genCommand as Handler, argv),
  )
  .command(
    'token',
    'get an IAM user token (password from HUAWEICLOUD_IAM_PASSWORD or a prompt)',
    (y) =>
      y
        .option('iam-endpoint', {
          type: 'string',
          demandOption: true,
          describe: 'IAM endpoint, e.g. https://iam.myhuaweicloud.com',
        })
        .option('user', { type: 'string', demandOption: true, describe: 'IAM user name' })
        .option('domain', {
          type: 'string',
          demandOption: true,
          describe: 'account (domain) name the user belongs to',
        })
        .option('project', {
          type: 'string',
          demandOption: true,
          describe: 'project name to scope the token to, e.g. ap-southeast-3',
        })
        .option('out', {
          type: 'string',
          describe: 'write the token to this file (mode 0600); else stdout, if not a terminal',
        })
        .option('timeout', { type: 'number', default: 10, describe: 'seconds for the network' }),
    (argv) =>
      dispatch(async () => (await import('./commands/token.js')).tokenCommand as Handler, argv),
  )
  .command(
    'verify',
    'check a leaf certificate against a CA file, as openssl verify does, with the static suites',
    (y) =>
      y
        .option('ca', { type: 'string', describe: 'PEM file of the trusted CA certificates' })
        .option('untrusted', { type: 'string', describe: 'PEM file of intermediate CAs' })
        .option('cert', {
          type: 'string',
          describe: 'PEM file whose first certificate is the leaf (the rest: intermediates)',
        })
        .option('purpose', {
          type: 'string',
          choices: ['client', 'server'],
          default: 'server',
          describe: "the leaf's TLS role",
        })
        .option('at', { type: 'string', describe: 'judge dates as of this ISO date' })
        .option('min-days', {
          type: 'number',
          default: 30,
          describe: 'warn when fewer days are left',
        })
        .option('json', { type: 'boolean', default: false, describe: 'print the checks as JSON' }),
    (argv) =>
      dispatch(async () => (await import('./commands/verify.js')).verifyCommand as Handler, argv),
  )
  .command(
    'demo',
    'the whole job on loopback: generate a bundle, serve it, fetch it with a token, check it',
    (y) =>
      y.option('out', {
        type: 'string',
        default: 'reports',
        describe: 'directory for the reports',
      }),
    (argv) =>
      dispatch(async () => (await import('./commands/demo.js')).demoCommand as Handler, argv),
  )
  .fail((message, error) => {
    const failure =
      error instanceof Error && !(error instanceof CertkeyError)
        ? toCertkeyError(error)
        : new CertkeyError('E_USAGE', message ?? 'bad arguments', 'see `certkey --help`');
    process.stderr.write(formatError(failure));
    process.exit(failure.exitCode === EXIT.internal ? EXIT.internal : EXIT.usage);
  });

await cli.parseAsync();
