/**
 * `certkey gen`: writes a bundle shaped as the SMS certkey API returns it, healthy or with one
 * defect from the catalogue, for trying certkey (and the tools around it) without a cloud task.
 * The keys are made on the spot and protect nothing; still, files holding them get mode 0600.
 */
import { constants, promises as fs } from 'node:fs';
import { CertkeyError, EXIT } from '../errors.js';

const LIST_HINT = 'run `certkey gen --list` to see the defect names';

/** Runs `certkey gen` and returns the process exit code. */
export async function genCommand(argv: Record<string, unknown>): Promise<number> {
  const { DEFECTS } = await import('../gen/defects.js');
  if (argv.list === true) {
    process.stdout.write(listDefects(DEFECTS));
    return EXIT.ok;
  }

  const out = typeof argv.out === 'string' && argv.out !== '' ? argv.out : null;
  if (out === null) {
    throw new CertkeyError(
      'E_USAGE',
      'gen needs --out: the file to write the bundle to',
      'add --out FILE (created with mode 0600)',
    );
  }
  if (out === '-') {
    throw new CertkeyError(
      'E_USAGE',
      'gen does not write to stdout: the bundle holds private keys, which certkey never prints',
      'give a file with --out FILE (created with mode 0600)',
    );
  }
  const defect = typeof argv.defect === 'string' ? argv.defect : undefined;
  if (defect !== undefined && !Object.hasOwn(DEFECTS, defect)) {
    throw new CertkeyError('E_USAGE', `unknown defect '${defect}'`, LIST_HINT);
  }

  const { generateBundle } = await import('../gen/bundle.js');
  const bundle = await generateBundle(defect === undefined ? {} : { defect });
  const json = `${JSON.stringify(bundle, null, 2)}\n`;

  await writePrivateFile(out, json, argv.force === true);
  return EXIT.ok;
}

/** What `gen --list` calls an entry: one that fails nothing but warns is a warning. */
function kindOf(d: { healthy?: boolean; fails: readonly unknown[]; warns?: unknown[] }) {
  if (d.healthy) return 'healthy';
  return d.fails.length === 0 && (d.warns?.length ?? 0) > 0 ? 'warning' : 'defect';
}

/** One line per defect: name, `healthy`, `defect` or `warning`, description. */
export function listDefects(
  defects: Readonly<
    Record<string, { description: string; healthy?: boolean; fails: unknown[]; warns?: unknown[] }>
  >,
) {
  const width = Math.max(...Object.keys(defects).map((name) => name.length));
  return Object.entries(defects)
    .map(([name, d]) => `${name.padEnd(width)}  ${kindOf(d).padEnd(7)}  ${d.description}\n`)
    .join('');
}

/**
 * Writes a file only its owner can read. A new file is created with mode 0600; an existing
 * one (it may be a saved real bundle) is replaced only with `overwrite`, and only if it is a
 * regular file that nobody else can read. Symbolic links are never followed (O_NOFOLLOW),
 * and the checks are made on the opened file itself.
 */
export async function writePrivateFile(
  path: string,
  text: string,
  overwrite = false,
): Promise<void> {
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
  let handle: fs.FileHandle;
  try {
    const flags = O_WRONLY | O_CREAT | O_NOFOLLOW | (overwrite ? 0 : O_EXCL);
    handle = await fs.open(path, flags, 0o600);
  } catch (error) {
    throw writeError(path, error);
  }

  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new CertkeyError(
        'E_OUTPUT_EXISTS',
        `${path} is not a regular file`,
        'name a new file with --out',
      );
    }
    if ((stat.mode & 0o077) !== 0) {
      throw new CertkeyError(
        'E_OUTPUT_EXISTS',
        `${path} already exists and others can read it (mode ${(stat.mode & 0o777).toString(8)})`,
        'name a new file with --out, or remove that file first: it would hold private keys',
      );
    }
    await handle.truncate(0);
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

function writeError(path: string, error: unknown): CertkeyError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EEXIST') {
    return new CertkeyError(
      'E_OUTPUT_EXISTS',
      `${path} already exists`,
      'name a new file with --out, or add --force to replace it',
    );
  }
  const reason =
    code === 'ELOOP'
      ? 'it is a symbolic link, which gen does not follow'
      : (code ?? 'unknown error');
  return new CertkeyError(
    code === 'ELOOP' ? 'E_OUTPUT_EXISTS' : 'E_OUTPUT_WRITE',
    `cannot write ${path}: ${reason}`,
    'name a writable new file with --out',
  );
}
