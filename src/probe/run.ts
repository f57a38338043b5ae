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
  const results = await Promise.all(
    ports.map(async ([field, port]): Promise<Check[]> => {
      const target = { host: options.host, port, ca, timeoutMs: options.timeoutMs };
      const withCert = await probe({ ...target, identity });
      const withoutCert = reachedTls(withCert) ? await probe(target) : undefined;

      const otherField = field === 'target_mgmt_cert' ? 'target_data_cert' : 'target_mgmt_cert';
      const expected = bundle.leaves[field];
      const other = bundle.leaves[otherField];
      const found: PortFindings = {
        field,
        address: addressOf(options.host, port),
        port,
        source,
        withCert,
        ...(expected ? { expected } : {}),
        ...(other ? { other: { field: otherField, cert: other } } : {}),
        ...(withoutCert ? { withoutCert } : {}),
      };
      return judgePort(found);
    }),
  );
  return results.flat();
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
