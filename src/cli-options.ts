/**
 * The options of every command, declared once: cli.ts hands them to yargs, and cli-args.ts
 * checks the raw command line against them (unknown flags, missing, empty or repeated values)
 * before yargs, which is lenient there, reads it.
 */
import type { Options } from 'yargs';

/** An option as yargs reads it, and what its value names (for "--out needs a folder"). */
export type CertkeyOption = Options & { value?: 'a file' | 'a folder' | 'a URL' };

/** The options of one command, by their name on the command line. */
export type OptionTable = Readonly<Record<string, CertkeyOption>>;

/** How fetches reach SMS and IAM: shared by every command that can fetch a bundle. */
const NETWORK_OPTIONS = {
  proxy: {
    type: 'string',
    value: 'a URL',
    describe: 'HTTP proxy URL for SMS and IAM, overriding HTTPS_PROXY/HTTP_PROXY/NO_PROXY',
  },
  'endpoint-ca': {
    type: 'string',
    value: 'a file',
    describe: 'PEM file of a private CA to trust for the SMS and IAM endpoints',
  },
  retries: {
    type: 'number',
    default: 3,
    describe: 'retries on network errors, 429 and 5xx, with backoff (0: none)',
  },
} as const satisfies OptionTable;

/** Where inspect and export take a bundle from: a file, or a fetch as `run` makes it. */
const SOURCE_OPTIONS = {
  bundle: {
    type: 'string',
    value: 'a file',
    describe: "a saved API reply (JSON); '-' reads stdin",
  },
  'task-id': { type: 'string', describe: 'SMS migration task id to fetch' },
  endpoint: { type: 'string', value: 'a URL', describe: 'SMS endpoint, as for run' },
  'token-file': {
    type: 'string',
    value: 'a file',
    describe: 'file holding the IAM token (else SMS_AUTH_TOKEN)',
  },
  'credentials-file': { type: 'string', value: 'a file', describe: 'AK/SK file, as for run' },
  ...NETWORK_OPTIONS,
} as const satisfies OptionTable;

const RUN_OPTIONS = {
  'task-id': {
    type: 'string',
    array: true,
    describe: 'SMS migration task id to fetch; repeat it for a wave',
  },
  'tasks-file': {
    type: 'string',
    value: 'a file',
    describe: 'file of task ids, one a line (# comments), checked as one wave',
  },
  concurrency: {
    type: 'number',
    describe: 'tasks checked at once (default: 4 per CPU core, 4 to 32)',
  },
  timings: {
    type: 'boolean',
    default: false,
    describe: 'print where the time went on stderr (one JSON line)',
  },
  endpoint: {
    type: 'string',
    value: 'a URL',
    describe: 'SMS endpoint, e.g. https://sms.ap-southeast-3.myhuaweicloud.com',
  },
  'token-file': {
    type: 'string',
    value: 'a file',
    describe: 'file holding the IAM token (else SMS_AUTH_TOKEN)',
  },
  'credentials-file': {
    type: 'string',
    value: 'a file',
    describe: 'AK/SK file: JSON or the console credentials.csv (else HUAWEICLOUD_SDK_AK/SK)',
  },
  'iam-user': {
    type: 'string',
    describe: 'get a token for this IAM user (password: HUAWEICLOUD_IAM_PASSWORD or a prompt)',
  },
  'iam-domain': { type: 'string', describe: 'the account (domain) of --iam-user' },
  'iam-endpoint': {
    type: 'string',
    value: 'a URL',
    describe: 'IAM endpoint for --iam-user (default https://iam.myhuaweicloud.com)',
  },
  'iam-project': {
    type: 'string',
    describe: 'project to scope the token to (default: the region in --endpoint)',
  },
  ...NETWORK_OPTIONS,
  bundle: {
    type: 'string',
    value: 'a file',
    describe: "a saved API reply (JSON); '-' reads stdin",
  },
  'save-bundle': {
    type: 'string',
    value: 'a file',
    describe: 'keep the fetched reply (mode 0600)',
  },
  out: {
    type: 'string',
    value: 'a folder',
    default: 'reports',
    describe: 'directory for the reports',
  },
  'min-days': { type: 'number', default: 30, describe: 'warn when fewer days are left' },
  at: { type: 'string', describe: 'judge dates as of this ISO date (a planned cutover)' },
  strict: { type: 'boolean', default: false, describe: 'warnings fail too' },
  json: { type: 'boolean', default: false, describe: 'print the JSON report on stdout' },
  timeout: { type: 'number', default: 10, describe: 'seconds for network and handshakes' },
  verbose: {
    type: 'boolean',
    default: false,
    describe: "each task's start, fetch attempts and verdict, with times, on stderr",
  },
} as const satisfies OptionTable;

const INSPECT_OPTIONS = {
  ...SOURCE_OPTIONS,
  at: { type: 'string', describe: 'count days left from this ISO date' },
  timeout: { type: 'number', default: 10, describe: 'seconds for the network' },
  json: { type: 'boolean', default: false, describe: 'print the view as JSON' },
} as const satisfies OptionTable;

const EXPORT_OPTIONS = {
  redacted: {
    type: 'boolean',
    default: false,
    describe: 'replace every private key by its public key (required)',
  },
  ...SOURCE_OPTIONS,
  out: { type: 'string', value: 'a file', describe: "the file to write ('-': stdout)" },
  force: { type: 'boolean', default: false, describe: 'replace an existing file' },
  timeout: { type: 'number', default: 10, describe: 'seconds for the network' },
} as const satisfies OptionTable;

const PROBE_OPTIONS = {
  bundle: {
    type: 'string',
    value: 'a file',
    describe: 'the saved API reply (JSON) to connect with',
  },
  host: { type: 'string', describe: "the target's IP address or host name" },
  'mgmt-port': { type: 'number', default: 8899, describe: 'management listener port' },
  'data-port': { type: 'number', default: 8900, describe: 'data listener port' },
  timeout: { type: 'number', default: 10, describe: 'seconds for each connection' },
  out: {
    type: 'string',
    value: 'a folder',
    default: 'reports/probe',
    describe: 'directory for the reports',
  },
  json: { type: 'boolean', default: false, describe: 'print the JSON report on stdout' },
} as const satisfies OptionTable;

const MOCK_OPTIONS = {
  port: { type: 'number', default: 0, describe: 'port (0: any free port)' },
  host: { type: 'string', default: '127.0.0.1', describe: 'address to listen on' },
  token: { type: 'string', describe: 'the token clients must send (else SMS_AUTH_TOKEN)' },
  bundle: { type: 'string', value: 'a file', describe: 'the bundle JSON file to serve' },
  'credentials-file': {
    type: 'string',
    value: 'a file',
    describe: 'also accept requests signed with this AK/SK (JSON or credentials.csv)',
  },
  'bundles-dir': {
    type: 'string',
    value: 'a folder',
    describe: 'serve DIR/<task_id>.json for each task id (404 when missing)',
  },
  'task-id': { type: 'string', describe: 'serve only this task id (default: any)' },
  fault: { type: 'string', describe: 'misbehave: slow-headers, reset, 429...' },
} as const satisfies OptionTable;

const GEN_OPTIONS = {
  out: {
    type: 'string',
    value: 'a file',
    describe: 'output file, created with mode 0600; needed unless --list',
  },
  defect: { type: 'string', describe: 'one defect to build in (see --list)' },
  list: { type: 'boolean', default: false, describe: 'list the defects and exit' },
  force: { type: 'boolean', default: false, describe: 'replace an existing file' },
} as const satisfies OptionTable;

const TOKEN_OPTIONS = {
  'iam-endpoint': {
    type: 'string',
    value: 'a URL',
    demandOption: true,
    describe: 'IAM endpoint, e.g. https://iam.myhuaweicloud.com',
  },
  user: { type: 'string', demandOption: true, describe: 'IAM user name' },
  domain: {
    type: 'string',
    demandOption: true,
    describe: 'account (domain) name the user belongs to',
  },
  project: {
    type: 'string',
    demandOption: true,
    describe: 'project name to scope the token to, e.g. ap-southeast-3',
  },
  out: {
    type: 'string',
    value: 'a file',
    describe: 'write the token to this file (mode 0600); else stdout, if not a terminal',
  },
  timeout: { type: 'number', default: 10, describe: 'seconds for the network' },
} as const satisfies OptionTable;

const VERIFY_OPTIONS = {
  ca: { type: 'string', value: 'a file', describe: 'PEM file of the trusted CA certificates' },
  untrusted: { type: 'string', value: 'a file', describe: 'PEM file of intermediate CAs' },
  cert: {
    type: 'string',
    value: 'a file',
    describe: 'PEM file whose first certificate is the leaf (the rest: intermediates)',
  },
  purpose: {
    type: 'string',
    choices: ['client', 'server'],
    default: 'server',
    describe: "the leaf's TLS role",
  },
  at: { type: 'string', describe: 'judge dates as of this ISO date' },
  'min-days': { type: 'number', default: 30, describe: 'warn when fewer days are left' },
  json: { type: 'boolean', default: false, describe: 'print the checks as JSON' },
} as const satisfies OptionTable;

const DEMO_OPTIONS = {
  out: {
    type: 'string',
    value: 'a folder',
    default: 'reports',
    describe: 'directory for the reports',
  },
} as const satisfies OptionTable;

/** Every command, in the order `certkey --help` lists them, with its summary and options. */
export const COMMANDS = {
  run: {
    describe: 'fetch or read a certkey bundle, check it, prove mutual TLS, write reports',
    options: RUN_OPTIONS,
  },
  inspect: {
    describe: 'show every certificate and key of a bundle, and its chain as a tree with verdicts',
    options: INSPECT_OPTIONS,
  },
  export: {
    describe: 'write a copy of a bundle to share: every private key replaced by its public key',
    options: EXPORT_OPTIONS,
  },
  probe: {
    describe:
      "connect to a live target's listeners with the source certificate, as the SMS Agent does",
    options: PROBE_OPTIONS,
  },
  mock: {
    describe: 'serve an SMS-compatible certkey endpoint on loopback',
    options: MOCK_OPTIONS,
  },
  gen: {
    describe: 'write a bundle shaped as SMS returns it, healthy or with one defect',
    options: GEN_OPTIONS,
  },
  token: {
    describe: 'get an IAM user token (password from HUAWEICLOUD_IAM_PASSWORD or a prompt)',
    options: TOKEN_OPTIONS,
  },
  verify: {
    describe:
      'check a leaf certificate against a CA file, as openssl verify does, with the static suites',
    options: VERIFY_OPTIONS,
  },
  demo: {
    describe:
      'the whole job on loopback: generate a bundle, serve it, fetch it with a token, check it',
    options: DEMO_OPTIONS,
  },
} as const satisfies Record<string, { describe: string; options: OptionTable }>;

/** A command's name. */
export type CommandName = keyof typeof COMMANDS;

/** The options every command takes. */
export const GLOBAL_OPTIONS: OptionTable = {
  help: { type: 'boolean', describe: 'Show help' },
  version: { type: 'boolean', describe: 'Show version number' },
};
