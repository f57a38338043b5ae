/**
 * What the probed listener presented: whether it is the bundle's certificate for that
 * listener (by SHA-256 of the certificate), and whether it verifies against the bundle's CA
 * as the SMS Agent on the source verifies it.
 */
import { checker } from '../checks/common.js';
import { formatFailure } from '../handshake/explain.js';
import type { Check } from '../model.js';
import type { HandshakeOutcome, ProbeOutcome } from './connect.js';
import type { PortFindings } from './judge.js';
import { DEFAULT_PORTS } from './options.js';

const check = checker('probe');

/** Subject, issuer and SHA-256 of a certificate the server presented. */
export function describePresented(peer: NonNullable<HandshakeOutcome['peer']>): string {
  const flat = (name: string) => name.split('\n').join(', ');
  return `${flat(peer.subject)} issued by ${flat(peer.issuer)}, SHA-256 ${peer.fingerprint256}`;
}

/** The listener presents the bundle's certificate for it. */
export function presented(found: PortFindings, shake: HandshakeOutcome): Check {
  const { field, address, expected, other } = found;
  const peer = shake.peer ?? found.withoutCert?.tls?.peer;
  if (!peer) {
    return check.skip(field, 'certificate', `skipped: ${address} presented no certificate`);
  }
  const shown = describePresented(peer);
  if (!expected) {
    const why =
      `skipped: ${field} did not parse, so ${address}'s certificate (${shown}) cannot be ` +
      'compared';
    return check.skip(field, 'certificate', why);
  }

  if (peer.fingerprint256 === expected.node.fingerprint256) {
    return check.pass(field, 'certificate', `${address} presents ${field} (${shown})`);
  }
  if (other && peer.fingerprint256 === other.cert.node.fingerprint256) {
    return othersCertificate(found, other, expected.node.fingerprint256);
  }
  return check.fail(
    field,
    'certificate',
    `${address} presents ${shown}, not ${field} of this bundle ` +
      `(SHA-256 ${expected.node.fingerprint256})`,
    'the target runs with the certificates of another task or an older bundle: apply this ' +
      "task's certkey bundle on the target and restart the SMS Agent there, or check that the " +
      'bundle is of this task',
  );
}

/** What each target certificate is for, in words. */
const ROLE = { target_mgmt_cert: 'management', target_data_cert: 'data' } as const;

/**
 * The listener presents the other target certificate. Swapped only when the other listener
 * presents this one's; the same port given twice, or both listeners with one certificate,
 * is told as what it is.
 */
function othersCertificate(
  found: PortFindings,
  other: NonNullable<PortFindings['other']>,
  expected: string,
): Check {
  const { field, address, port } = found;
  const presents = `${address} presents ${other.field}, not ${field}`;
  if (other.port === port) {
    return check.fail(
      field,
      'certificate',
      `${presents}: --mgmt-port and --data-port are both ${port}, so one listener was ` +
        'probed as both',
      `give each listener its own port: --mgmt-port (default ${DEFAULT_PORTS.mgmt}) and ` +
        `--data-port (default ${DEFAULT_PORTS.data})`,
    );
  }

  if (other.presented === expected) {
    return check.fail(
      field,
      'certificate',
      `${presents}: the target's two certificates are swapped`,
      `configure the listener on ${port} with ${field} and its key, and the other listener ` +
        `with ${other.field}`,
    );
  }
  const same = other.presented === other.cert.node.fingerprint256;
  const also = same ? `, as the ${ROLE[other.field]} listener on ${other.port} does` : '';
  return check.fail(
    field,
    'certificate',
    `${presents}: the ${ROLE[field]} listener presents the ${ROLE[other.field]} ` +
      `certificate${also}`,
    `configure the ${ROLE[field]} listener on ${port} with ${field} and its key`,
  );
}

/** The certificate a listener presented, on either connection. */
export function peerOf(withCert: ProbeOutcome, withoutCert?: ProbeOutcome) {
  return withCert.tls?.peer ?? withoutCert?.tls?.peer;
}

/** Whether the listener presents the other target certificate of this bundle. */
export function presentsOther(found: PortFindings): boolean {
  const peer = peerOf(found.withCert, found.withoutCert);
  return peer !== undefined && peer.fingerprint256 === found.other?.cert.node.fingerprint256;
}

/** The presented certificate verifies against the bundle's CA. */
export function serverVerify(found: PortFindings, shake: HandshakeOutcome): Check {
  const { field, address } = found;
  const name = 'server-verify';
  if (!shake.done) return check.skip(field, name, 'skipped: the handshake did not finish');
  if (!shake.untrusted) {
    return check.pass(field, name, `the certificate ${address} presents verifies against ca`);
  }
  return check.fail(
    field,
    name,
    `the certificate ${address} presents does not verify against ca: ` +
      `${formatFailure(shake.untrusted)}; the SMS Agent on the source will refuse it`,
    `run certkey inspect on this bundle to see the chain of ${field}, and make the target ` +
      "use this task's certificates",
  );
}
