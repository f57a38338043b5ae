/**
 * The bundle's chains as a tree from the CA down: each certificate under the one that issued
 * it, with the verdicts of that link. Who issued whom comes from the chain suite's own walk
 * (pathFrom); a leaf's verdicts are the chain suite's checks of it, a CA link's verdicts are
 * the same primitives the suite judges by (names, key identifiers, signature).
 */
import { keyIds, pathFrom, sameName, verifiedBy } from '../checks/issuers.js';
import type { Check, LeafField, ParsedBundle, ParsedCert, Status } from '../model.js';
import { issuerOf, nameOf } from '../parse/describe.js';
import { checkLeafChain } from '../checks/leaf-chain.js';
import { checkCaChain } from '../../suites/chain.js';

/** One verdict about a link. */
export interface LinkVerdict {
  name: string;
  status: Status;
  message: string;
}

/** A certificate in the tree. */
export interface ChainNode {
  /** `ca`, `ca #2`, or the leaf field. */
  label: string;
  subject: string;
  /** SHA-256 of the certificate, to tell apart CAs of the same name. */
  sha256: string;
  /** A self-signed root, a CA below another, a leaf below a CA, or one with no issuer in ca. */
  role: 'root' | 'intermediate' | 'leaf' | 'orphan';
  /** How it hangs from its parent; for a root, its self-signature; for an orphan, why. */
  link: LinkVerdict[];
  children: ChainNode[];
}

/** The tree and the CA field's own chain checks. */
export interface ChainView {
  roots: ChainNode[];
  caChecks: Check[];
}

interface Entry {
  cert: ParsedCert;
  label: string;
  leaf?: LeafField;
  parent: ParsedCert | null;
  node: ChainNode;
}

/** Builds the tree of a parsed bundle, judged at `at`. */
export function chainTree(bundle: ParsedBundle, at: Date): ChainView {
  const entries: Entry[] = bundle.ca.map((cert, index) => {
    const label = bundle.ca.length === 1 ? 'ca' : `ca #${index + 1}`;
    return entry(cert, label, bundle);
  });
  for (const [field, cert] of Object.entries(bundle.leaves) as [LeafField, ParsedCert][]) {
    entries.push({ ...entry(cert, field, bundle), leaf: field });
  }

  for (const each of entries) each.node.link = linkOf(each, bundle);
  const roots: ChainNode[] = [];
  for (const each of entries) {
    const parent = entries.find((other) => other.cert === each.parent);
    if (parent) parent.node.children.push(each.node);
    else roots.push(each.node);
  }

  // A loop of CAs has no top: show each of its members at the top so none is lost.
  const reached = new Set<ChainNode>();
  const visit = (node: ChainNode) => {
    if (reached.has(node)) return;
    reached.add(node);
    node.children.forEach(visit);
  };
  roots.forEach(visit);
  for (const each of entries) {
    if (reached.has(each.node)) continue;
    each.node.role = 'orphan';
    roots.push(each.node);
    visit(each.node);
  }
  return { roots, caChecks: bundle.ca.length > 0 ? checkCaChain(bundle, at) : [] };
}

function entry(cert: ParsedCert, label: string, bundle: ParsedBundle): Entry {
  const { path, end } = pathFrom(cert, bundle.ca);
  const parent = path[0] ?? null;
  const isLeaf = cert.field !== 'ca';
  const role =
    parent !== null
      ? isLeaf
        ? 'leaf'
        : 'intermediate'
      : !isLeaf && end.kind === 'anchor'
        ? 'root'
        : 'orphan';
  const node: ChainNode = {
    label,
    subject: cert.x509.subject,
    sha256: cert.node.fingerprint256,
    role,
    link: [],
    children: [],
  };
  return { cert, label, parent, node };
}

/** The verdicts of a certificate's link to its parent. */
function linkOf(each: Entry, bundle: ParsedBundle): LinkVerdict[] {
  if (each.leaf) {
    return checkLeafChain(bundle, each.leaf).map(({ name, status, message }) => ({
      name,
      status,
      message,
    }));
  }

  const { cert, parent } = each;
  if (parent) return caLink(cert, parent);
  if (each.node.role === 'root') {
    return [
      verdict('self-signed', 'pass', 'self-signed root: its signature verifies with its own key'),
    ];
  }
  const { end } = pathFrom(cert, bundle.ca);
  const why =
    end.kind === 'no-issuer'
      ? `issued by ${issuerOf(cert)}, which ca does not hold`
      : 'reason' in end && typeof end.reason === 'string'
        ? `not issued by ${issuerOf(cert)} in ca: ${end.reason}`
        : `no certificate in ca verifies it as ${issuerOf(cert)}`;
  return [verdict('issuer', 'fail', why)];
}

/** Names, key identifiers and signature between a CA certificate and its issuer. */
function caLink(cert: ParsedCert, parent: ParsedCert): LinkVerdict[] {
  const names = sameName(cert.x509.issuerName, parent.x509.subjectName)
    ? verdict('issuer', 'pass', `issuer name matches ${nameOf(parent)}`)
    : verdict('issuer', 'fail', `issuer ${issuerOf(cert)} is not ${nameOf(parent)}`);

  const { aki } = keyIds(cert);
  const { ski } = keyIds(parent);
  const keyId =
    aki === null
      ? verdict('key-id', 'warn', 'no authority key identifier')
      : ski === null || aki === ski
        ? verdict('key-id', 'pass', `authority key identifier ${aki}`)
        : verdict('key-id', 'fail', `authority key identifier ${aki} is not the issuer's ${ski}`);

  const signed = verifiedBy(cert, parent);
  const signature =
    signed === 'valid'
      ? verdict('signature', 'pass', `verifies with the key of ${nameOf(parent)}`)
      : signed === 'invalid'
        ? verdict('signature', 'fail', `does not verify with the key of ${nameOf(parent)}`)
        : verdict('signature', 'skip', 'certkey cannot verify this signature algorithm');
  return [names, keyId, signature];
}

function verdict(name: string, status: Status, message: string): LinkVerdict {
  return { name, status, message };
}
