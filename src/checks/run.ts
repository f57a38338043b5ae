/**
 * The runner: parse the bundle, then run the suites in SUITE_NAMES order, each seeing the
 * checks before it. The mtls suite is loaded only when it runs, so the static checks never
 * pay for node:tls and its servers.
 */
import { debuglog } from 'node:util';
import { chainSuite } from '../../suites/chain.js';
import { expirySuite } from '../../suites/expiry.js';
import { pairSuite } from '../../suites/pair.js';
import { parseBundle } from '../../suites/parse.js';
import { strengthSuite } from '../../suites/strength.js';
import { usageSuite } from '../../suites/usage.js';
import {
  SUITE_NAMES,
  type Check,
  type CheckOptions,
  type ParsedBundle,
  type RawBundle,
  type Suite,
  type SuiteName,
} from '../model.js';
import { noteHandshakeAgreement } from './agreement.js';
import { checker, leafFields } from './common.js';

const debug = debuglog('certkey');

/** The suites that judge the bundle without a network: everything but parse and mtls. */
export const STATIC_SUITES: readonly Suite[] = [
  pairSuite,
  chainSuite,
  expirySuite,
  usageSuite,
  strengthSuite,
];

/**
 * The mtls suite, or why it cannot run. Limitation: when suites/mtls.ts is absent from a
 * checkout, the mtls checks are skipped with that reason instead of run.
 */
async function loadMtls(): Promise<Suite | string> {
  try {
    return (await import('../../suites/mtls.js')).mtlsSuite;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return 'skipped: the mtls suite is not part of this build of certkey';
  }
}

/**
 * Runs `suites` over a parsed bundle in SUITE_NAMES order, each seeing the checks before
 * it. Suites this runner does not hold (`probe`, which needs a live target and is run by
 * the command that knows it) are left to their callers.
 */
export async function runSuites(
  bundle: ParsedBundle,
  options: CheckOptions,
  suites: readonly SuiteName[],
  earlier: readonly Check[] = [],
): Promise<Check[]> {
  const checks: Check[] = [...earlier];
  for (const name of SUITE_NAMES) {
    if (name === 'parse' || !suites.includes(name)) continue;

    const suite = name === 'mtls' ? await loadMtls() : STATIC_SUITES.find((s) => s.name === name);
    if (suite === undefined) continue;
    if (typeof suite === 'string') {
      const skip = checker('mtls').skip;
      checks.push(...leafFields(bundle).map((field) => skip(field, 'handshake', suite)));
      continue;
    }

    debug('suite %s', name);
    checks.push(...(await suite.run({ bundle, options, earlier: checks })));
  }
  // Static failures the handshake contradicted get a note, set on the earlier checks too.
  if (suites.includes('mtls')) await noteHandshakeAgreement(checks);
  return checks.slice(earlier.length);
}

/**
 * Parses a raw bundle and runs the suites, all of them or those in `only`. The parse suite
 * always reports: every other suite reads what it parsed, and skips name its failures.
 */
export async function runChecks(
  raw: RawBundle,
  options: CheckOptions,
  only?: readonly SuiteName[],
): Promise<{ checks: Check[]; bundle: ParsedBundle }> {
  const { bundle, checks: parsed } = parseBundle(raw);
  const later = await runSuites(bundle, options, only ?? SUITE_NAMES, parsed);
  return { checks: [...parsed, ...later], bundle };
}
