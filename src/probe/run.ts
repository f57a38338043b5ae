/**
 * A probe of both target listeners with the bundle's source certificate, as the SMS Agent
 * connects: the bundle is parsed, the source certificate and key and the CA are taken from
 * it, and each port is probed twice (with the certificate, then without one).
 */
import { CertkeyError } from '../errors.js';
import type { Check, ParsedBundle, RawBundle } from '../model.js';
import { nameOf } from '../parse/describe.js';
import { parseBundle } from '../../suites/parse.js';
import { probe, type ProbeOutcome } from './connect.js';
import { judgePort, type PortFindings, type TargetField } from './judge.js';
import { peerOf } from './peer-checks.js';
import { addressOf, type ProbeOptions } from './options.js';

/** Probes both ports; throws E_INPUT_SHAPE when the bundle cannot make the connection. */
export async function probeTargets(raw: RawBundle, options: ProbeOptions): Promise<Check[]> {
  const { bundle, checks } = parseBundle(raw);
  const identity = sourceIdentity(bundle, checks);
  const ca = bundle.ca.map((cert) => cert.pem);
  const source = nameOf(bundle.leaves.cert as NonNullable<ParsedBundle['leaves']['cert']>);

  const ports: [TargetField, number][] = [
    ['target_mgmt_cert', options.mgmtPort],
    ['target_data_cert', options.dataPort],
  ];
  const probed = await Promise.all(
    ports.map(async ([field, port]): Promise<Probed> => {
      const target = { host: options.host, port, ca, timeoutMs: options.timeoutMs };
      const withCert = await probe({ ...target, identity });
      const withoutCert = reachedTls(withCert) ? await probe(target) : undefined;
      return { field, port, withCert, ...(withoutCert ? { withoutCert } : {}) };
    }),
  );

  // Each port is judged knowing what the other presented: a swap is two wrong ports.
  return probed.flatMap((mine, index) => {
    const theirs = probed[1 - index] as Probed;
    const expected = bundle.leaves[mine.field];
    const other = bundle.leaves[theirs.field];
    const presented = peerOf(theirs.withCert, theirs.withoutCert)?.fingerprint256;
    const found: PortFindings = {
      ...mine,
      address: addressOf(options.host, mine.port),
      source,
      ...(expected ? { expected } : {}),
      ...(other
        ? { other: { field: theirs.field, cert: other, port: theirs.port, presented } }
        : {}),
    };
    return judgePort(found);
  });
}

/** The two connections to one port. */
interface Probed {
  field: TargetField;
  port: number;
  withCert: ProbeOutcome;
  withoutCert?: ProbeOutcome;
}

function reachedTls(outcome: ProbeOutcome): boolean {
  const shake = outcome.tls;
  return shake !== undefined && (shake.done || shake.certRequested !== undefined);
}

/** The source certificate and key as PEM, kept in memory; or why the bundle cannot connect. */
function sourceIdentity(bundle: ParsedBundle, checks: Check[]): { cert: string; key: string } {
  const cert = bundle.leaves.cert;
  const key = bundle.keys.private_key;
  if (bundle.ca.length > 0 && cert && key) {
    return { cert: cert.pem, key: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
  }

  if (bundle.publicKeys.private_key) {
    throw new CertkeyError(
      'E_INPUT_SHAPE',
      `${bundle.raw.origin} is a redacted export: private_key holds a public key only, and ` +
        'connecting as the source needs the private key',
      'probe with the original bundle (certkey run --bundle FILE also checks it)',
    );
  }
  const field = bundle.ca.length === 0 ? 'ca' : !cert ? 'cert' : 'private_key';
  const failed = checks.find((each) => each.subject === field && each.status !== 'pass');
  throw new CertkeyError(
    'E_INPUT_SHAPE',
    `${bundle.raw.origin}: probing needs ${field}, which did not parse: ` +
      (failed?.message ?? 'missing'),
    failed?.remedy ?? `run certkey inspect --bundle ${bundle.raw.origin} to see every field`,
  );
}
