/**
 * The CA field as a list: nothing in it unrelated to the leaves' chains, and its
 * certificates in one consistent order, each before its issuer (the order TLS sends a
 * chain in, RFC 8446 4.4.2) or each after it (root first).
 */
import type { Check, ParsedBundle, ParsedCert } from '../model.js';
import { nameOf } from '../parse/describe.js';
import { certFingerprint } from '../parse/fingerprint.js';
import { relatedCas } from './ca-chain.js';
import { checker, whichCert } from './common.js';
import { isSelfSigned, issuerIn, pathFrom } from './issuers.js';

const check = checker('chain');

const TRUST_STORE =
  'skipped: the CA certificates were given as a trust store, which may hold other CAs';

/** Every certificate of the CA field is on the chain of some leaf. */
export function checkNoExtra(bundle: ParsedBundle): Check {
  if (bundle.scope) return check.skip('ca', 'extra', TRUST_STORE);
  const related = relatedCas(bundle);
  if (!related) return check.skip('ca', 'extra', 'skipped: no leaf certificate parsed');

  const extra = bundle.ca.filter((cert) => !related.has(cert));
  if (extra.length === 0) {
    return check.pass('ca', 'extra', 'every certificate in ca is on the chain of a leaf');
  }
  const names = extra.map(
    (cert) => `${whichCert(cert, bundle)} ${nameOf(cert)} (${certFingerprint(cert)})`,
  );
  const count = extra.length === 1 ? 'an extra certificate' : `${extra.length} extra certificates`;
  return check.fail(
    'ca',
    'extra',
    `ca holds ${count} unrelated to the chain of any leaf: ${names.join(', ')}`,
    'remove it from ca; if a leaf was meant to chain to it, the bundle mixes parts of ' +
      'different tasks: fetch it again',
  );
}

/** The CA certificates of the field are listed in one consistent direction. */
export function checkOrder(bundle: ParsedBundle): Check {
  if (bundle.scope) return check.skip('ca', 'order', TRUST_STORE);
  const related = relatedCas(bundle);
  const list = bundle.ca.filter((cert) => !related || related.has(cert));
  if (list.length <= 1)
    return check.pass('ca', 'order', 'ca holds a single CA certificate on the chain');

  const upward = inOrder(list, (issuer, cert) => issuer > cert);
  const downward = inOrder(list, (issuer, cert) => issuer < cert);
  if (upward || downward) {
    const direction = upward
      ? 'each before its issuer, root last'
      : 'root first, each after its issuer';
    return check.pass(
      'ca',
      'order',
      `ca lists its ${list.length} certificates in order (${direction})`,
    );
  }

  const given = list.map((cert) => nameOf(cert)).join(', ');
  const depth = (cert: ParsedCert) => pathFrom(cert, list).path.length;
  const wanted = [...list].sort((a, b) => depth(b) - depth(a)).map((cert) => nameOf(cert));
  return check.fail(
    'ca',
    'order',
    `ca lists its intermediates in the wrong order: ${given}; each certificate should come ` +
      `right before its issuer: ${wanted.join(', ')}`,
    `reorder ca as ${wanted.join(', ')} (the leaf's issuer first, the root last)`,
  );
}

/** True when every non-root certificate's issuer sits where `placed` says, by list index. */
function inOrder(list: ParsedCert[], placed: (issuer: number, cert: number) => boolean): boolean {
  return list.every((cert, index) => {
    if (isSelfSigned(cert)) return true;
    const issuer = issuerIn(cert, list);
    return issuer === null || placed(list.indexOf(issuer), index);
  });
}
