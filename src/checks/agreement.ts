/**
 * Where the static checks and the handshake part ways: a static failure of a certificate
 * that this Node's OpenSSL still accepted in a real mutual TLS handshake. The failure
 * stands (certkey judges for the strictest peer a bundle may meet: another OpenSSL build,
 * a higher security level, a stricter TLS stack), and gets a note saying who accepted it.
 */
import type { Check, Field } from '../model.js';
import { TARGET_FIELDS } from '../model.js';

/** The suites whose failures a handshake can contradict: judgments of the certificates. */
const STATIC = new Set<Check['suite']>(['chain', 'usage', 'strength']);

/** Chain checks about the CA field as a list, not about what a peer accepts. */
const LIST_CHECKS = new Set(['order', 'extra']);

const HANDSHAKES: Readonly<Record<string, string>> = { 'tls1.2': 'TLS 1.2', 'tls1.3': 'TLS 1.3' };

/** The environment the note names. */
export interface AgreementEnvironment {
  openssl: string;
  securityLevel: number | null;
}

/**
 * The handshakes that passed with each subject in them: a target's own handshakes; for
 * the source certificate (`cert`) and the CA field, every target's, since both take part in
 * each mutual handshake.
 */
export function acceptedBy(checks: readonly Check[]): Map<Field, string[]> {
  const accepted = new Map<Field, string[]>();
  const add = (subject: Field, label: string) => {
    const labels = accepted.get(subject) ?? [];
    if (!labels.includes(label)) labels.push(label);
    accepted.set(subject, labels);
  };

  for (const check of checks) {
    const label = HANDSHAKES[check.name];
    if (check.suite !== 'mtls' || check.status !== 'pass' || label === undefined) continue;
    add(check.subject, label);
    add('cert', label);
    add('ca', label);
  }
  for (const labels of accepted.values()) labels.sort();
  return accepted;
}

/**
 * Notes every static failure whose subject passed a handshake. The checks are changed in
 * place, so a caller holding them in its own list sees the notes; the list is returned.
 */
export function noteAgreement(checks: Check[], env: AgreementEnvironment): Check[] {
  const accepted = acceptedBy(checks);
  for (const check of checks) {
    if (check.status !== 'fail' || !STATIC.has(check.suite) || LIST_CHECKS.has(check.name)) {
      continue;
    }
    const labels = accepted.get(check.subject);
    if (!labels || labels.length === 0) continue;

    const where = TARGET_FIELDS.includes(check.subject as (typeof TARGET_FIELDS)[number])
      ? `the ${labels.join(' and ')} handshake`
      : `a ${labels.join(' and ')} handshake`;
    const level = env.securityLevel === null ? 'unknown' : String(env.securityLevel);
    const note =
      `this Node/OpenSSL (Node ${process.versions.node}, OpenSSL ${env.openssl}, security ` +
      `level ${level}) accepted it in ${where}; a stricter peer will not`;
    check.note = check.note ? `${check.note}; ${note}` : note;
  }
  return checks;
}

/** The post-pass of the runner: notes disagreements once the mtls suite has run. */
export async function noteHandshakeAgreement(checks: Check[]): Promise<Check[]> {
  if (acceptedBy(checks).size === 0) return checks;
  const { tlsEnvironment } = await import('../handshake/environment.js');
  return noteAgreement(checks, await tlsEnvironment());
}
