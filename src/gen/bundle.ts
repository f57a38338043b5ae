/** Generated bundles, shaped exactly as the SMS certkey API returns them. */
import { CertkeyError } from '../errors.js';
import { DEFECTS } from './defects.js';
import { keyLease, makeParts, toFields } from './parts.js';

/**
 * Builds a bundle: RSA-2048 keys in PKCS#1 form, one CA signing the three leaves, the
 * fields named as in the API's example. With `defect`, that catalogue entry is built in.
 */
export async function generateBundle(options: { defect?: string } = {}) {
  const take = keyLease();
  if (options.defect === undefined) return toFields(await makeParts({}, take));

  const defect = DEFECTS[options.defect];
  if (!defect) {
    throw new CertkeyError(
      'E_USAGE',
      `unknown defect '${options.defect}'`,
      'run `certkey gen --list --out -` to see the defect names',
    );
  }
  return defect.build({ take });
}
