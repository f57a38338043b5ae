/**
 * The certkey command line. Options are declared in cli-options.ts, cheaply; each command's
 * code is loaded with a dynamic import only when that command runs, so start-up stays light.
 */
import yargs from 'yargs';
import { CertkeyError, EXIT, formatError, toCertkeyError } from './errors.js';
import { VERSION } from './version.js';
import { checkFlagValues, joinDashValues } from './cli-args.js';
import { COMMANDS, type CommandName } from './cli-options.js';

const NAMES = Object.keys(COMMANDS) as CommandName[];

type Handler = (argv: Record<string, unknown>) => Promise<number>;

/** Each command's code, loaded only when that command runs. */
const HANDLERS: Record<CommandName, () => Promise<Handler>> = {
  run: async () => (await import('./commands/run.js')).runCommand as Handler,
  inspect: async () => (await import('./commands/inspect.js')).inspectCommand as Handler,
  export: async () => (await import('./commands/export.js')).exportCommand as Handler,
  probe: async () => (await import('./commands/probe.js')).probeCommand as Handler,
  mock: async () => (await import('./commands/mock.js')).mockCommand as Handler,
  gen: async () => (await import('./commands/gen.js')).genCommand as Handler,
  token: async () => (await import('./commands/token.js')).tokenCommand as Handler,
  verify: async () => (await import('./commands/verify.js')).verifyCommand as Handler,
  demo: async () => (await import('./commands/demo.js')).demoCommand as Handler,
};

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

/** A yargs message on one line, as every certkey error is. */
function oneLine(message: string | undefined): string {
  return (message ?? 'bad arguments').trim().replace(/\s*\n\s*/g, ' ');
}

// A reader that went away (`certkey run --json | head -1`) is no error of the run: the rest of
// the output is dropped and the exit code stays the verdict's, as with other Unix tools. Any
// other failure to write the output is a bug or a broken machine: exit 70, without a stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.exitCode = EXIT.internal;
  });
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
  .demandCommand(1, `name a command: ${NAMES.join(', ')}`)
  .recommendCommands()
  .alias('help', 'h')
  .wrap(Math.min(100, process.stdout.columns || 100))
  .fail((message, error) => {
    const failure =
      error instanceof Error && !(error instanceof CertkeyError)
        ? toCertkeyError(error)
        : new CertkeyError('E_USAGE', oneLine(message), 'see `certkey --help`');
    process.stderr.write(formatError(failure));
    process.exit(failure.exitCode === EXIT.internal ? EXIT.internal : EXIT.usage);
  });

for (const name of NAMES) {
  const { describe, options } = COMMANDS[name];
  cli.command(
    name,
    describe,
    (y) => y.options(options),
    (argv) => dispatch(HANDLERS[name], argv),
  );
}

await cli.parseAsync();
