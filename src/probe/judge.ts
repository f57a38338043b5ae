/**
 * The verdicts of one probed port, as checks of the `probe` suite about the target field the
 * port serves: reachable, TLS, the certificate presented and its trust (peer-checks.ts), the
 * client certificate asked for and taken, a client without one refused (client-checks.ts),
 * and a one-line diagnosis. A later check is skipped, with the reason, when an earlier one
 * leaves nothing to judge.
 */
import { checker } from '../checks/common.js';
import { formatFailure } from '../handshake/explain.js';
import type { TlsFailure } from '../handshake/failure.js';
import type { Check, ParsedCert, TARGET_FIELDS } from '../model.js';
import { clientCert, refusesNoCert } from './client-checks.js';
import type { HandshakeOutcome, ProbeOutcome } from './connect.js';
import { presented, presentsOther, serverVerify } from './peer-checks.js';
import type { Unreachable } from './tcp.js';

const check = checker('probe');

/** A target field: the listener a port serves. */
export type TargetField = (typeof TARGET_FIELDS)[number];

/** What was learnt about one port. */
export interface PortFindings {
  field: TargetField;
  /** `host:port`. */
  address: string;
  port: number;
  /** The bundle's certificate for this listener, when it parsed. */
  expected?: ParsedCert;
  /**
   * The other listener: the bundle's certificate for it, its port, and the SHA-256 of the
   * certificate it presented (absent when it presented none). A port that presents the
   * other's certificate is told apart from a swap, where each presents the other's.
   */
  other?: { field: TargetField; cert: ParsedCert; port: number; presented?: string | undefined };
  /** The source certificate's subject, for messages. */
  source: string;
  /** Connecting with the source certificate. */
  withCert: ProbeOutcome;
  /** Connecting without a client certificate; only when the first one reached TLS. */
  withoutCert?: ProbeOutcome;
}

const LATER = ['tls', 'certificate', 'server-verify', 'client-cert', 'refuses-no-cert'];

/** The checks of one port, in report order, ending with the diagnosis. */
export function judgePort(found: PortFindings): Check[] {
  const { field, address } = found;
  const tcp = found.withCert.tcp;
  if (!tcp.ok) {
    const reason = `${address} is not reachable: ${tcp.reason} (${tcp.code})`;
    const reach = check.fail(field, 'reachable', reason, unreachableRemedy(found, tcp.kind));
    const skipped = `skipped: ${address} is not reachable`;
    const rest = LATER.map((name) => check.skip(field, name, skipped));
    return [reach, ...rest, diagnose(found, [reach])];
  }

  const reached = `${address} accepts TCP connections (${tcp.ms} ms)`;
  const checks = [check.pass(field, 'reachable', reached)];
  const shake = found.withCert.tls as HandshakeOutcome;
  if (!shake.done && shake.certRequested === undefined) {
    checks.push(noTls(found, shake.failure));
    const skipped = `skipped: no TLS handshake with ${address}`;
    checks.push(...LATER.slice(1).map((name) => check.skip(field, name, skipped)));
    return [...checks, diagnose(found, checks)];
  }

  checks.push(tlsCheck(found, shake), presented(found, shake), serverVerify(found, shake));
  checks.push(clientCert(found, shake), refusesNoCert(found, shake));
  return [...checks, diagnose(found, checks)];
}

function unreachableRemedy(found: PortFindings, kind: Unreachable): string {
  const { address, port } = found;
  const host = address.slice(0, address.lastIndexOf(':'));
  switch (kind) {
    case 'refused':
      return (
        `start the SMS Agent on the target (it listens on ${port}), or give the port it ` +
        'uses with --mgmt-port or --data-port'
      );
    case 'timeout':
      return (
        `nothing answered: allow TCP ${port} from this machine to ${host} in the target's ` +
        'security group and firewall, or raise --timeout on a slow link'
      );
    case 'no-route':
      return `check the address ${host} and the route (VPC, subnet, VPN) from this machine to it`;
    case 'no-address':
      return `check the host name ${host}, or give the target's IP address with --host`;
    case 'other':
      return `check the address ${host} and the network between this machine and the target`;
  }
}

function noTls(found: PortFindings, failure: TlsFailure | undefined): Check {
  const why = failure ? formatFailure(failure) : 'the connection ended';
  const slow = failure?.stage === 'timeout' ? ', or raise --timeout on a slow link' : '';
  return check.fail(
    found.field,
    'tls',
    `${found.address} accepts TCP but no TLS handshake completes: ${why}`,
    `check that the SMS Agent listens on ${found.port}: another service may hold the port${slow}`,
  );
}

function tlsCheck(found: PortFindings, shake: HandshakeOutcome): Check {
  const cipher = shake.cipher ?? 'no cipher agreed';
  const time =
    shake.ms === undefined ? 'the server ended the handshake' : `handshake ${shake.ms} ms`;
  return check.pass(found.field, 'tls', `${shake.protocol ?? 'TLS'}, ${cipher}, ${time}`);
}

/** One line: the first problem and what to do, or that the port is ready. */
function diagnose(found: PortFindings, checks: Check[]): Check {
  const { field, address } = found;
  const problems = [
    ...checks.filter((each) => each.status === 'fail'),
    ...checks.filter((each) => each.status === 'warn'),
  ];
  const [first, ...more] = problems;
  if (!first) {
    const tls = checks.find((each) => each.name === 'tls')?.message ?? '';
    const ready =
      `${address} is ready for the SMS Agent: it presents ${field}, requires and accepts ` +
      `cert (${tls})`;
    return check.pass(field, 'diagnosis', ready);
  }

  const others = more.map((each) => each.name).join(', ');
  const headline = headlineOf(found, first);
  const what = more.length > 0 ? `${headline} (and ${more.length} more: ${others})` : headline;
  const remedy = first.remedy ?? 'see the checks above';
  const judge = first.status === 'fail' ? check.fail : check.warn;
  return judge(field, 'diagnosis', what, remedy);
}

/** A problem in a few words for the diagnosis; the check itself has the details. */
function headlineOf(found: PortFindings, problem: Check): string {
  const { address, field } = found;
  if (problem.name === 'certificate' && !presentsOther(found)) {
    return `${address} presents another certificate than ${field} of this bundle`;
  }
  if (problem.name === 'server-verify') {
    return `the certificate ${address} presents does not verify against ca`;
  }
  return problem.message;
}
