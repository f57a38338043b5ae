/**
 * The service's clock against this machine's, read from a reply's `Date` header. A skew
 * of minutes breaks AK/SK signing (the gateway refuses an X-Sdk-Date more than 15 minutes
 * off, APIGW.0303) and moves every expiry verdict, which is judged by the local clock.
 */

/** Beyond this many seconds apart, the skew is worth a warning. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/**
 * Seconds the service's clock is ahead of this machine's (negative: behind), from the
 * `Date` header and the moment the reply arrived; undefined when the header is absent or
 * unreadable. The header has one-second precision, so small values mean nothing.
 */
export function clockSkewSeconds(date: string | undefined, receivedAt: number): number | undefined {
  if (date === undefined) return undefined;
  const served = Date.parse(date);
  if (Number.isNaN(served)) return undefined;
  return Math.round((served - receivedAt) / 1000);
}

/** `7 min 12 s`, `2 h 3 min`, `45 s`. */
export function formatDuration(seconds: number): string {
  const total = Math.abs(Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${rest} s`;
  return `${rest} s`;
}

/** `this machine's clock is 7 min 12 s behind the service's`. */
export function describeSkew(skewSeconds: number): string {
  const way = skewSeconds > 0 ? 'behind' : 'ahead of';
  return `this machine's clock is ${formatDuration(skewSeconds)} ${way} the service's`;
}

/**
 * The note for a skew over MAX_CLOCK_SKEW_SECONDS, naming the host; undefined when the
 * clocks agree closely enough.
 */
export function skewNote(skewSeconds: number | undefined, host: string): string | undefined {
  if (skewSeconds === undefined || Math.abs(skewSeconds) <= MAX_CLOCK_SKEW_SECONDS)
    return undefined;
  return (
    `${describeSkew(skewSeconds)} (Date header of ${host}): AK/SK signatures are refused ` +
    'beyond 15 minutes and expiry verdicts use this clock; set it right (NTP)'
  );
}
