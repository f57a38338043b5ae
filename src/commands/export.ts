/**
 * `certkey export --redacted`: writes a copy of a bundle that can be shared with support,
 * every private key replaced by its public key (src/export/format.ts). There is no
 * unredacted export: the original reply already is one.
 */
import { CertkeyError, EXIT } from '../errors.js';

/** Runs `certkey export` and returns the process exit code. */
export async function exportCommand(argv: Record<string, unknown>): Promise<number> {
  if (argv.redacted !== true) {
    throw new CertkeyError(
      'E_USAGE',
      'certkey export writes redacted copies only, and --redacted is not given',
      'add --redacted: every private key is replaced by its public key; to keep the keys, ' +
        'copy the original file itself',
    );
  }
  const out = argv.out;
  if (typeof out !== 'string' || out === '') {
    throw new CertkeyError(
      'E_USAGE',
      '--out is needed: the file to write the redacted copy to',
      "add --out FILE ('-' writes it on stdout)",
    );
  }

  const { readSource, readSourceOptions } = await import('../inspect/source.js');
  const { checkOutput, writeRedacted } = await import('../export/write.js');
  const options = await readSourceOptions(argv, 'export');
  const force = argv.force === true;
  checkOutput(out, typeof argv.bundle === 'string' ? argv.bundle : undefined, force);
  const raw = await readSource(options);

  const { redactBundle } = await import('../export/redact.js');
  const { text, marker } = redactBundle(raw);
  await writeRedacted(out, text, force);

  const keys = Object.entries(marker.fingerprints).map(([field, print]) => `${field} ${print}`);
  const lines = [
    `certkey: wrote a redacted copy of ${raw.origin} to ${out === '-' ? 'stdout' : out}`,
  ];
  lines.push(...keys.map((key) => `  public key ${key}`));
  for (const [field, why] of Object.entries({ ...marker.omitted, ...marker.removed })) {
    lines.push(`  ${field}: ${why}`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
