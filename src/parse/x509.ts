/**
 * The one place @peculiar/x509 is loaded for parsing and checks. Its decorators need
 * reflect-metadata first, and its hashing (key identifiers, thumbprints) runs on
 * node:crypto's WebCrypto; every module of src/parse and the suites import it from here.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
