/**
 * The text of `certkey inspect`: one block per certificate, the keys, the chain tree with each
 * link's verdicts, and what did not parse. Colours come from the palette, which is plain when
 * stdout is not a terminal.
 */
import type { Status } from '../model.js';
import { statusTag, type Palette } from '../terminal/colour.js';
import type { CertView } from './cert-view.js';
import type { ChainNode, ChainView, LinkVerdict } from './chain-tree.js';
import type { InspectView, KeyView } from './view.js';

const WIDTH = 15;

/** Renders the view as text. */
export function renderInspect(view: InspectView, paint: Palette): string {
  const lines: string[] = [];
  const redacted = view.redacted ? ' (redacted export: public keys only)' : '';
  lines.push(paint.bold(`${view.origin}${redacted}`), paint.dim(`as of ${view.at}`));
  for (const note of view.notes) lines.push(paint.dim(`note: ${note}`));

  for (const cert of view.certificates) lines.push('', ...certLines(cert, paint));
  for (const key of view.keys) lines.push('', ...keyLines(key, paint));
  lines.push('', paint.bold('chain'), ...chainLines(view.chain, paint));

  if (view.issues.length > 0) {
    lines.push('', paint.bold('fields'));
    for (const issue of view.issues) {
      lines.push(`  ${tag(issue.status, paint)} ${issue.field}: ${issue.message}`);
      if (issue.remedy) lines.push(`       remedy: ${issue.remedy}`);
      if (issue.note) lines.push(`       note: ${issue.note}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function row(label: string, value: string, paint: Palette): string {
  return `  ${paint.dim(label.padEnd(WIDTH))}${value}`;
}

function list(values: string[] | null): string {
  if (values === null) return '(absent)';
  return values.length === 0 ? '(empty)' : values.join(', ');
}

function certLines(cert: CertView, paint: Palette): string[] {
  const left =
    cert.validity === 'valid'
      ? paint.green(`${cert.daysLeft} days left`)
      : cert.validity === 'expired'
        ? paint.red(`expired ${-cert.daysLeft} days ago`)
        : paint.red('not yet valid');
  const constraints = cert.basicConstraints;
  const basic = constraints
    ? `CA:${constraints.ca ? 'TRUE' : 'FALSE'}` +
      (constraints.pathLength === undefined ? '' : `, pathlen:${constraints.pathLength}`) +
      (constraints.critical ? ' (critical)' : '')
    : '(absent)';

  return [
    `${paint.bold(paint.cyan(cert.label))}  ${paint.bold(cert.subject || "''")}`,
    row('issuer', cert.issuer || "''", paint),
    row('serial', cert.serial, paint),
    row('valid', `${cert.notBefore} to ${cert.notAfter} (${left})`, paint),
    row('key', cert.key, paint),
    row('signature', cert.signatureAlgorithm, paint),
    row('key usage', list(cert.keyUsage), paint),
    row('ext key usage', list(cert.extendedKeyUsage), paint),
    row('subject alt', list(cert.subjectAltName), paint),
    row('basic constr.', basic, paint),
    row('SHA-256', cert.sha256, paint),
    row('SPKI SHA-256', cert.spkiSha256, paint),
  ];
}

function keyLines(key: KeyView, paint: Palette): string[] {
  const holds = key.holds === 'private key' ? 'private key' : 'public key (redacted)';
  const pairs =
    key.match.status === 'pass'
      ? `matches ${key.match.leaf}`
      : key.match.status === 'fail'
        ? `does not match ${key.match.leaf}`
        : `not compared with ${key.match.leaf}`;
  return [
    `${paint.bold(paint.cyan(key.field))}  ${holds}, ${key.key}`,
    row('SPKI SHA-256', key.spkiSha256, paint),
    row('pair', `${tag(key.match.status, paint)} ${pairs}`, paint),
    ...(key.match.status === 'pass' ? [] : [row('', key.match.message, paint)]),
  ];
}

function chainLines(chain: ChainView, paint: Palette): string[] {
  const lines: string[] = [];
  if (chain.roots.length === 0) lines.push('  (no certificate parsed)');
  const walk = (node: ChainNode, lead: string, branch: string) => {
    lines.push(`  ${lead}${branch}${nodeLine(node, paint)}`);
    const under = `${lead}${branch === '' ? '' : branch === '└─ ' ? '   ' : '│  '}`;
    for (const verdict of node.link.filter((each) => each.status !== 'pass')) {
      const bar = node.children.length > 0 ? '│  ' : '   ';
      lines.push(`  ${under}${bar}${paint.dim(`${verdict.name}:`)} ${verdict.message}`);
    }
    node.children.forEach((child, index) => {
      walk(child, under, index === node.children.length - 1 ? '└─ ' : '├─ ');
    });
  };
  for (const root of chain.roots) walk(root, '', '');

  if (chain.caChecks.length > 0) {
    lines.push(`  ${paint.dim('ca checks:')} ${tags(chain.caChecks, paint)}`);
    for (const check of chain.caChecks.filter((each) => each.status !== 'pass')) {
      lines.push(`    ${check.name}: ${check.message}`);
    }
  }
  return lines;
}

function nodeLine(node: ChainNode, paint: Palette): string {
  const role =
    node.role === 'root'
      ? ' (self-signed root)'
      : node.role === 'orphan'
        ? paint.red(' (no issuer in ca)')
        : '';
  const subject = node.subject || "''";
  return `${paint.cyan(node.label)} ${subject}${role}  ${tags(node.link, paint)}`;
}

function tags(verdicts: readonly Pick<LinkVerdict, 'name' | 'status'>[], paint: Palette): string {
  return verdicts.map(({ name, status }) => `${tag(status, paint)} ${name}`).join('  ');
}

function tag(status: Status, paint: Palette): string {
  return `[${statusTag(status, paint)}]`;
}
