/**
 * `certkey verify`: judges a leaf certificate against a CA file, as `openssl verify` does,
 * with the chain, expiry, usage and strength suites of `certkey run`. For the PEM files a
 * support engineer has at hand, without a bundle.
 *
 * Exit codes: 0 nothing failed (warnings allowed), 1 a check failed, 2 usage or an
 * unreadable file.
 *
 * Limitation: neither host names (subjectAltName) nor revocation (CRL, OCSP) are checked,
 * as `openssl verify` does not check them without -verify_hostname or -crl_check either.
 */
import { CertkeyError, EXIT } from '../errors.js';
import type { PreflightRun } from '../report/types.js';
import { VERSION } from '../version.js';
import { parseAt } from './run-options.js';

/** Runs `certkey verify` and returns the process exit code. */
export async function verifyCommand(argv: Record<string, unknown>): Promise<number> {
  const startedAt = new Date().toISOString();
  const role = readPurpose(argv.purpose);
  const at = parseAt(argv.at);
  const minDays = readMinDays(argv['min-days']);
  const ca = requireFile(argv, 'ca');
  const cert = requireFile(argv, 'cert');
  const untrusted = typeof argv.untrusted === 'string' ? argv.untrusted : undefined;

  const { readVerifyInputs } = await import('../verify/inputs.js');
  const inputs = await readVerifyInputs({ ca, cert, ...(untrusted ? { untrusted } : {}) });
  const { verdictOf, verifyChecks } = await import('../verify/check.js');
  const checks = await verifyChecks(inputs, role, { at, minDays, handshakeTimeoutMs: 0 });

  const { tlsEnvironment } = await import('../handshake/environment.js');
  const { openssl, securityLevel } = await tlsEnvironment();
  const run: PreflightRun = {
    tool: { name: 'certkey', version: VERSION },
    startedAt,
    finishedAt: new Date().toISOString(),
    options: { at: at.toISOString(), minDays, strict: false },
    environment: {
      node: process.versions.node,
      openssl,
      ...(securityLevel === null ? {} : { securityLevel }),
    },
    tasks: [{ task: cert, origin: `${role} certificate ${cert}`, checks }],
    complete: true,
  };

  if (argv.json === true) {
    const { renderJson } = await import('../report/json.js');
    process.stdout.write(renderJson(run));
  } else {
    const { renderSummary } = await import('../report/summary.js');
    process.stdout.write(renderSummary(run));
  }
  return verdictOf(checks) === 'valid' ? EXIT.ok : EXIT.checkFailed;
}

/** `--purpose`: the leaf's TLS role; a server unless told otherwise. */
function readPurpose(value: unknown): 'client' | 'server' {
  if (value === undefined || value === 'server') return 'server';
  if (value === 'client') return 'client';
  throw new CertkeyError(
    'E_USAGE',
    `--purpose ${JSON.stringify(String(value))} is not a TLS role`,
    'give --purpose client or --purpose server',
  );
}

/** `--min-days`: a number of 0 or more; 30 by default. */
function readMinDays(value: unknown): number {
  const days = Number(value ?? 30);
  if (Number.isFinite(days) && days >= 0) return days;
  throw new CertkeyError('E_USAGE', '--min-days must be a number of 0 or more', 'fix --min-days');
}

/** A file option that must be given. */
function requireFile(argv: Record<string, unknown>, name: 'ca' | 'cert'): string {
  const value = argv[name];
  if (typeof value === 'string' && value !== '') return value;
  throw new CertkeyError(
    'E_USAGE',
    `--${name} is missing`,
    `give --${name} FILE, a PEM file of ${name === 'ca' ? 'trusted CAs' : 'the leaf certificate'}`,
  );
}
