/**
 * The expiry suite: every certificate, leaves and CA, is valid at the judging moment
 * (`--at`, or now), and a warning when fewer than `--min-days` days are left. Every
 * message gives the days left.
 */
import { caCheckName, checker, leafFields, notParsed } from '../src/checks/common.js';
import type { Check, CheckOptions, ParsedBundle, ParsedCert, Suite } from '../src/model.js';
import { isoDate, nameOf } from '../src/parse/describe.js';

const check = checker('expiry');
const DAY = 86_400_000;
const REISSUE =
  'fetch a fresh bundle for the task; if it comes back the same, SMS must issue new certificates';

/** Whole days from `at` to the notAfter, counted toward zero; negative once it has expired. */
export function daysLeft(cert: ParsedCert, at: Date): number {
  return Math.trunc((cert.x509.notAfter.getTime() - at.getTime()) / DAY);
}

/** Judges one certificate's validity period at `options.at`. */
export function checkValidity(
  cert: ParsedCert,
  who: string,
  name: string,
  options: CheckOptions,
): Check {
  const subject = cert.field;
  const { notBefore, notAfter } = cert.x509;
  const at = options.at;
  const left = daysLeft(cert, at);
  const period = `notBefore ${isoDate(notBefore)}, notAfter ${isoDate(notAfter)}`;
  const judged = `at ${isoDate(at)}`;

  if (notAfter.getTime() < notBefore.getTime()) {
    const message =
      `${who} is never valid: its notAfter comes before its notBefore (${period}); ` +
      `days left: ${left}`;
    return check.fail(subject, name, message, REISSUE);
  }
  if (at.getTime() < notBefore.getTime()) {
    const wait = Math.ceil((notBefore.getTime() - at.getTime()) / DAY);
    return check.fail(
      subject,
      name,
      `${who} is not yet valid ${judged}: it starts in ${wait} day(s) (${period}); days left ` +
        `until notAfter: ${left}`,
      'check the clock of this machine and of the issuer, or judge at the planned cutover ' +
        'with --at',
    );
  }
  if (at.getTime() > notAfter.getTime()) {
    return check.fail(
      subject,
      name,
      `${who} expired on ${isoDate(notAfter)}, ${-left} day(s) before the judging moment ` +
        `${isoDate(at)} (days left: ${left})`,
      REISSUE,
    );
  }
  if (left < options.minDays) {
    return check.warn(
      subject,
      name,
      `${who} has ${left} day(s) left ${judged} (notAfter ${isoDate(notAfter)}), fewer than ` +
        `the ${options.minDays} asked for`,
      `finish the migration before ${isoDate(notAfter)}, or fetch a fresh bundle nearer the ` +
        'cutover',
    );
  }
  return check.pass(subject, name, `${who} has ${left} day(s) left ${judged} (${period})`);
}

/** Validity checks of every certificate in a bundle: leaves, then the CA field's. */
export function checkExpiry(bundle: ParsedBundle, options: CheckOptions): Check[] {
  const checks: Check[] = [];
  for (const field of leafFields(bundle)) {
    const cert = bundle.leaves[field];
    checks.push(
      cert
        ? checkValidity(cert, field, 'validity', options)
        : check.skip(field, 'validity', notParsed(field)),
    );
  }

  if (bundle.ca.length === 0) checks.push(check.skip('ca', 'validity', notParsed('ca')));
  for (const [index, cert] of bundle.ca.entries()) {
    const count = bundle.ca.length;
    const who =
      count === 1
        ? `ca ${nameOf(cert)}`
        : `ca certificate ${index + 1} of ${count} ${nameOf(cert)}`;
    checks.push(checkValidity(cert, who, caCheckName('validity', index, count), options));
  }
  return checks;
}

/** The expiry suite. */
export const expirySuite: Suite = {
  name: 'expiry',
  async run({ bundle, options }) {
    return checkExpiry(bundle, options);
  },
};
