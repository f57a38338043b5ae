/** The certkey version, stamped in by the build. */
declare const CERTKEY_VERSION: string;

/** The version of this build, or `0.0.0-dev` when run unbundled (in tests). */
export const VERSION = typeof CERTKEY_VERSION === 'string' ? CERTKEY_VERSION : '0.0.0-dev';
