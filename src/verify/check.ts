/**
 * Judges loose PEM files as `certkey verify` does: the chain, expiry, usage and strength
 * suites over a view of one leaf (src/checks/view.ts), plus one check the view cannot make
 * alone: the root the leaf leads up to must come from the trust anchors (`--ca`), not from
 * the untrusted intermediates, as `openssl verify` wants (RFC 5280 6.1: the trust anchor is
 * an input of path validation, never something the peer sends).
 */
import { checker } from '../checks/common.js';
import { pathFrom } from '../checks/issuers.js';
import { checkView, fieldForRole } from '../checks/view.js';
import type { Check, CheckOptions, ParsedBundle } from '../model.js';
import { nameOf } from '../parse/describe.js';
import { certFingerprint } from '../parse/fingerprint.js';
import type { VerifyInputs } from './inputs.js';

const check = checker('chain');

/** The check that the chain ends at a trusted root. */
export const TRUSTED_ROOT = 'trusted-root';

/** Runs the suites over the files and returns their checks (no parse checks: input was read). */
export async function verifyChecks(
  inputs: VerifyInputs,
  role: 'client' | 'server',
  options: CheckOptions,
): Promise<Check[]> {
  const pems = (certs: VerifyInputs['trusted']) => certs.map((cert) => cert.pem.trim()).join('\n');
  const pool = [...inputs.trusted, ...inputs.untrusted];
  const view = {
    ca: `${pems(pool)}\n`,
    leaf: `${inputs.leaf.pem.trim()}\n`,
    role,
    origin: [inputs.files.ca, inputs.files.untrusted, inputs.files.cert]
      .filter((file) => file !== undefined)
      .join(' + '),
  };
  const { checks, bundle } = await checkView(view, options);

  const judged = checks.filter((entry) => entry.suite !== 'parse');
  return [...judged, checkTrustedRoot(bundle, role, inputs)];
}

/** The verdict of `certkey verify`: invalid when any check failed; warnings do not count. */
export function verdictOf(checks: readonly Check[]): 'valid' | 'invalid' {
  return checks.some((entry) => entry.status === 'fail') ? 'invalid' : 'valid';
}

/** The leaf's chain ends at a self-signed root given with `--ca`. */
export function checkTrustedRoot(
  bundle: ParsedBundle,
  role: 'client' | 'server',
  inputs: Pick<VerifyInputs, 'trusted'>,
): Check {
  const field = fieldForRole(role);
  const leaf = bundle.leaves[field];
  if (!leaf) return check.skip('ca', TRUSTED_ROOT, `skipped: ${field} did not parse`);

  const { end } = pathFrom(leaf, bundle.ca);
  if (end.kind !== 'anchor') {
    return check.skip(
      'ca',
      TRUSTED_ROOT,
      'skipped: the chain reaches no root (see the path check)',
    );
  }

  const anchor = Buffer.from(end.anchor.der);
  const trusted = inputs.trusted.some((cert) => anchor.equals(Buffer.from(cert.der)));
  const root = `${nameOf(end.anchor)} (${certFingerprint(end.anchor)})`;
  if (trusted)
    return check.pass('ca', TRUSTED_ROOT, `${field} leads up to ${root}, given with --ca`);
  return check.fail(
    'ca',
    TRUSTED_ROOT,
    `${field} leads up to the root ${root}, which came with the untrusted certificates, not ` +
      '--ca: a root the peer sends proves nothing',
    'put the root you trust in the --ca file; keep only intermediates in --untrusted',
  );
}
