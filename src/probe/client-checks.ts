/**
 * The listener's side of mutual TLS: it asks for a client certificate, takes the bundle's
 * source certificate, and refuses a client that has none.
 */
import { checker } from '../checks/common.js';
import { formatFailure } from '../handshake/explain.js';
import type { Check } from '../model.js';
import { VERDICT_WAIT_MS, type HandshakeOutcome } from './connect.js';
import type { PortFindings } from './judge.js';

const check = checker('probe');

/** The listener asks for a client certificate and accepts the source's. */
export function clientCert(found: PortFindings, shake: HandshakeOutcome): Check {
  const { field, address, source, port } = found;
  const name = 'client-cert';
  if (shake.certRequested !== true) {
    return check.fail(
      field,
      name,
      `${address} does not ask for a client certificate: it does not run mutual TLS as the ` +
        'SMS Agent does',
      `check that port ${port} belongs to the SMS Agent on the target, started with this ` +
        "task's certificates",
    );
  }
  if (shake.verdict === 'accepted') {
    const message = `${address} asks for a client certificate and accepts cert (${source})`;
    return check.pass(field, name, message);
  }
  if (shake.verdict === 'silent') {
    return check.warn(
      field,
      name,
      `${address} asks for a client certificate and did not refuse cert (${source}) within ` +
        `${VERDICT_WAIT_MS} ms, but sent no session ticket to confirm it took it`,
      'if migration transfers fail, look in the SMS Agent log on the target for a refused ' +
        'client certificate',
    );
  }
  const why = shake.failure ? formatFailure(shake.failure) : 'the connection was closed';
  return check.fail(
    field,
    name,
    `${address} asks for a client certificate and refuses cert (${source}): ${why}`,
    "the target trusts another CA than this bundle's ca: it runs with another task's " +
      "certificates; apply this task's bundle on the target, and use the same task's bundle here",
  );
}

/** The listener refuses a client without a certificate. */
export function refusesNoCert(found: PortFindings, shake: HandshakeOutcome): Check {
  const { field, address, port } = found;
  const name = 'refuses-no-cert';
  if (shake.certRequested !== true) {
    return check.skip(field, name, `skipped: ${address} does not ask for a client certificate`);
  }
  const bare = found.withoutCert?.tls;
  if (!bare) {
    return check.skip(field, name, `skipped: ${address} was not probed without a certificate`);
  }

  if (bare.verdict === 'accepted' || bare.verdict === 'silent') {
    const when = bare.verdict === 'silent' ? ` (no refusal within ${VERDICT_WAIT_MS} ms)` : '';
    return check.warn(
      field,
      name,
      `${address} accepts a client without a certificate${when}: it asks for one but does ` +
        'not require it',
      `make the listener on ${port} require client certificates, as the SMS Agent does`,
    );
  }
  const why = bare.failure ? formatFailure(bare.failure) : 'the connection was closed';
  return check.pass(field, name, `${address} refuses a client without a certificate: ${why}`);
}
