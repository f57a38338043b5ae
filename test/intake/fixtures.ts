/**
 * Shared test material for intake and mock tests: a bundle shaped as SMS returns it (the
 * PEM bodies are placeholders; nothing here is parsed) and a token to look for in output.
 */

/** A token distinctive enough that finding it anywhere in output is a leak. */
export const TOKEN = 'tok-7f3a9c-e51b2d-4a6f8e-0c9d1b';

/** A private key body that must never reach a message. */
export const KEY_BODY = 'SECRETKEYBODYb7c1e9d3f5a2c8e4b6d0f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9';

const cert = (name: string) => `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----`;
const key = () => `-----BEGIN RSA PRIVATE KEY-----\n${KEY_BODY}\n-----END RSA PRIVATE KEY-----`;

/** A reply as the API's example names it: CA under `ca_cert`. */
export function sampleReply(): Record<string, string> {
  return {
    ca_cert: cert('CA'),
    cert: cert('SOURCE'),
    private_key: key(),
    target_mgmt_cert: cert('MGMT'),
    target_mgmt_private_key: key(),
    target_data_cert: cert('DATA'),
    target_data_private_key: key(),
  };
}
