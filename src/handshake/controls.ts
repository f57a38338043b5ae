/**
 * The negative-control clients: one without a certificate and one with a stranger's. They do
 * not verify the listener (only its decision counts), so they trust no CA and hold nothing of
 * the bundle: their secure contexts are made once per process and serve every bundle.
 */
import tls from 'node:tls';
import { foreignIdentity } from './foreign.js';

/** Which negative control. */
export type Control = 'no-cert' | 'foreign';

const made = new Map<Control, Promise<tls.SecureContext>>();

/**
 * The control's secure context, made on first use. It holds no CA: OpenSSL then reports the
 * listener's chain as unverified, which the control ignores, and Node skips the detailed
 * certificate it would read for a verified chain.
 */
export function controlContext(control: Control): Promise<tls.SecureContext> {
  let context = made.get(control);
  if (!context) {
    context = makeContext(control);
    made.set(control, context);
    // A context that could not be made is tried again next time rather than kept.
    context.catch(() => made.delete(control));
  }
  return context;
}

async function makeContext(control: Control): Promise<tls.SecureContext> {
  if (control === 'no-cert') return tls.createSecureContext({ ca: [] });

  const { cert, key } = await foreignIdentity();
  return tls.createSecureContext({ cert, key, ca: [] });
}
