/**
 * The mtls suite: for each target listener, a real mutual TLS handshake on loopback between
 * the target's certificate and the source's, separately on TLS 1.2 and TLS 1.3, and two
 * negative controls showing the listener refuses a client without a certificate and one with
 * a certificate the bundle's CA did not issue. Verdicts are what OpenSSL did, never assumed.
 */
import { debuglog } from 'node:util';
import { CertkeyError, toCertkeyError } from '../src/errors.js';
import { KEY_OF, TARGET_FIELDS } from '../src/model.js';
import type { Check, Suite, SuiteContext } from '../src/model.js';
import type { TlsVersion } from '../src/handshake/client.js';
import { tlsEnvironment, type TlsEnvironment } from '../src/handshake/environment.js';
import { describePeer, describeRefusal, refusalOf, type Sides } from '../src/handshake/explain.js';
import { formatFailure } from '../src/handshake/explain.js';
import { controlContext, type Control } from '../src/handshake/controls.js';
import { caOf, identityOf, inScope, isRedacted, missingInputs } from '../src/handshake/inputs.js';
import { openTargetListener, type HandshakeResult } from '../src/handshake/mutual.js';
import type { Identity, TargetListener } from '../src/handshake/mutual.js';
import { remedyFor } from '../src/handshake/remedy.js';

const debug = debuglog('certkey');

type Target = (typeof TARGET_FIELDS)[number];

/** The check names, in report order. */
export const MTLS_CHECKS = ['tls1.2', 'tls1.3', 'refuses-no-cert', 'refuses-foreign-cert'] as const;

const VERSIONS: readonly [TlsVersion, 'tls1.2' | 'tls1.3', string][] = [
  ['TLSv1.2', 'tls1.2', 'TLS 1.2'],
  ['TLSv1.3', 'tls1.3', 'TLS 1.3'],
];

/** The mtls suite, run after the static suites. */
export const mtlsSuite: Suite = {
  name: 'mtls',
  async run(context) {
    const targets = TARGET_FIELDS.filter((field) => inScope(context.bundle, field));
    if (isRedacted(context.bundle)) {
      const reason =
        'the bundle is redacted (public keys only): mutual TLS needs the private keys; ' +
        'run certkey on the unredacted bundle';
      return targets.flatMap((target) => skipAll(target, reason));
    }

    // Every handshake of every target at once: they wait on loopback round trips, and the
    // checks come back in target order all the same.
    const env = await tlsEnvironment();
    const checks = await Promise.all(targets.map((target) => checkTarget(target, context, env)));
    return checks.flat();
  },
};

/**
 * Both versions' handshakes and both negative controls for one target listener: one listener
 * judges all four connections, each on its own.
 */
async function checkTarget(target: Target, context: SuiteContext, env: TlsEnvironment) {
  const { bundle, earlier, options } = context;
  const targetKey = KEY_OF[target];
  const listenerMissing = missingInputs([target, targetKey, 'ca'], bundle, earlier);
  if (listenerMissing.length > 0) return skipAll(target, listenerMissing.join('; '));

  const sourceMissing = inScope(bundle, 'cert')
    ? missingInputs(['cert', 'private_key'], bundle, earlier)
    : ['mutual TLS needs the source certificate (cert) and private_key, not given to this check'];
  const listenerIdentity = identityOf(bundle, target, targetKey);
  const client = sourceMissing.length > 0 ? undefined : identityOf(bundle, 'cert', 'private_key');

  const listener = await openTargetListener({
    target: listenerIdentity,
    ca: caOf(bundle),
    timeoutMs: options.handshakeTimeoutMs,
  });
  try {
    const versions = client
      ? versionChecks(target, listener, client, env)
      : VERSIONS.map(([, name]) => skip(target, name, sourceMissing.join('; ')));
    const [versionResults, controls] = await Promise.all([
      versions,
      controlChecks(target, listener),
    ]);
    return [...versionResults, ...controls];
  } finally {
    await listener.close();
  }
}

/** TLS 1.2 and 1.3, each pinned by the client; each verdict knows how the other version did. */
async function versionChecks(
  target: Target,
  listener: TargetListener,
  client: Identity,
  env: TlsEnvironment,
) {
  const sides: Sides = {
    target: { cert: target, key: KEY_OF[target] },
    source: { cert: 'cert', key: 'private_key' },
  };
  const results = await Promise.all(
    VERSIONS.map(([version]) => attempt(() => listener.attempt({ client, version }))),
  );

  return VERSIONS.map(([, name, label], index) => {
    const result = results[index] as HandshakeResult | CertkeyError;
    if (result instanceof CertkeyError) return crashed(target, name, result);

    const other = results[1 - index];
    const otherLabel = VERSIONS[1 - index]?.[2] ?? '';
    const pair = { result, otherLabel, ...(other instanceof CertkeyError ? {} : { other }) };
    return versionCheck(target, name, label, pair, sides, env);
  });
}

/** The negative controls: a client without a certificate, and one with a stranger's. */
async function controlChecks(target: Target, listener: TargetListener) {
  const controls: [string, string, Control][] = [
    ['refuses-no-cert', 'a client without a certificate', 'no-cert'],
    ['refuses-foreign-cert', 'a self-signed client certificate ca did not issue', 'foreign'],
  ];
  return Promise.all(
    controls.map(async ([name, who, control]) => {
      const result = await attempt(async () => {
        // The control client trusts any listener, so only the listener's decision counts.
        const context = await controlContext(control);
        return listener.attempt({ context, verifyServer: false });
      });
      return result instanceof CertkeyError
        ? crashed(target, name, result)
        : controlCheck(target, name, who, result);
    }),
  );
}

function versionCheck(
  target: Target,
  name: string,
  label: string,
  pair: { result: HandshakeResult; other?: HandshakeResult; otherLabel: string },
  sides: Sides,
  env: TlsEnvironment,
): Check {
  const { result, other, otherLabel } = pair;
  const client = result.client;
  debug('mtls %s %s: %s', target, name, result.mutual ? 'mutual' : refusalOf(result)?.side);

  if (result.mutual && client) {
    const message =
      `${label}: the ${target} listener accepted the source certificate (cert) and the ` +
      `source verified ${target} (${describePeer(client.peer)}); ` +
      `${client.cipher ?? 'unknown cipher'}, one byte each way`;
    const disagree = other && !other.mutual ? `${otherLabel} failed with the same bundle` : '';
    return { ...pass(target, name, message), ...(disagree ? { note: disagree } : {}) };
  }

  const refusal = refusalOf(result) ?? { side: 'unknown' as const };
  const agreed = other?.mutual ? `; ${otherLabel} succeeded with the same certificates` : '';
  return {
    suite: 'mtls',
    subject: target,
    name,
    status: 'fail',
    message: `${label} failed: ${describeRefusal(refusal, sides)}${agreed}`,
    remedy: remedyFor(refusal, sides, env),
  };
}

/**
 * The verdict of a negative control: pass only when the listener itself refused the client;
 * fail when it accepted, or when it never decided (nothing is proved then).
 */
export function controlCheck(
  target: Target,
  name: string,
  who: string,
  result: HandshakeResult,
): Check {
  if (result.serverLoad) {
    const why = formatFailure(result.serverLoad);
    return skip(target, name, `the listener could not load ${target}: ${why}`);
  }

  const server = result.server;
  if (server?.accepted) {
    return {
      suite: 'mtls',
      subject: target,
      name,
      status: 'fail',
      message: `the target listener (${target}) accepted ${who}: it would accept anyone`,
      remedy:
        'a listener with this bundle must require a client certificate issued by ca: check ' +
        'that ca holds only the SMS CA, and report this with NODE_DEBUG=certkey output',
    };
  }

  if (server?.failure?.own) {
    const why = formatFailure(server.failure);
    return pass(target, name, `the target listener (${target}) refused ${who}: ${why}`);
  }

  const seen = [server?.failure, result.client?.failure].filter((failure) => !!failure);
  return {
    suite: 'mtls',
    subject: target,
    name,
    status: 'fail',
    message:
      `could not show that the target listener (${target}) refuses ${who}: ` +
      (seen.length === 0 ? 'the listener never decided' : seen.map(formatFailure).join('; ')),
    remedy:
      'the listener neither accepted nor refused: run again, with a larger --timeout on a ' +
      'busy machine',
  };
}

/** Runs one handshake; anything thrown comes back as an error to report, not a crash. */
async function attempt(
  run: () => Promise<HandshakeResult>,
): Promise<HandshakeResult | CertkeyError> {
  try {
    return await run();
  } catch (error) {
    return toCertkeyError(error);
  }
}

function crashed(target: Target, name: string, error: CertkeyError): Check {
  const message = `the handshake could not be run: ${error.message}`;
  return { suite: 'mtls', subject: target, name, status: 'fail', message, remedy: error.remedy };
}

function pass(target: Target, name: string, message: string): Check {
  return { suite: 'mtls', subject: target, name, status: 'pass', message };
}

function skip(target: Target, name: string, reason: string): Check {
  return { suite: 'mtls', subject: target, name, status: 'skip', message: reason };
}

function skipAll(target: Target, reason: string): Check[] {
  return MTLS_CHECKS.map((name) => skip(target, name, reason));
}
