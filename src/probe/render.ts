/**
 * The text of `certkey probe`: per port, one line per check and the diagnosis with what to
 * do, then the verdict and where the reports are. Colours only on a terminal.
 */
import type { Check } from '../model.js';
import { statusTag, type Palette } from '../terminal/colour.js';
import type { Summary } from '../report/types.js';
import type { ProbeOptions } from './options.js';
import { addressOf } from './options.js';

const WIDTH = 17;

/** Renders a probe's checks as text. */
export function renderProbe(
  checks: readonly Check[],
  summary: Summary,
  options: ProbeOptions,
  paint: Palette,
): string {
  const lines = [
    paint.bold(`certkey probe ${options.host} with the source certificate of ${options.bundle}`),
  ];
  const ports = [
    ['target_mgmt_cert', options.mgmtPort],
    ['target_data_cert', options.dataPort],
  ] as const;

  for (const [field, port] of ports) {
    const mine = checks.filter((each) => each.subject === field);
    lines.push('', `${paint.bold(paint.cyan(field))}  ${addressOf(options.host, port)}`);
    for (const each of mine.filter((check) => check.name !== 'diagnosis')) {
      const tag = `[${statusTag(each.status, paint)}]`;
      const gap = ' '.repeat(7 - visible(tag));
      lines.push(`  ${tag}${gap}${paint.dim(each.name.padEnd(WIDTH))}${each.message}`);
    }
    const diagnosis = mine.find((check) => check.name === 'diagnosis');
    if (diagnosis) {
      const paintLine =
        diagnosis.status === 'pass'
          ? paint.green
          : diagnosis.status === 'fail'
            ? paint.red
            : paint.yellow;
      lines.push(`  ${paint.bold('diagnosis:')} ${paintLine(diagnosis.message)}`);
      if (diagnosis.remedy) lines.push(`  ${paint.bold('do:')} ${diagnosis.remedy}`);
    }
  }

  const word = summary.verdict.toUpperCase();
  const verdict = summary.verdict === 'pass' ? paint.green(word) : paint.red(word);
  const counts =
    `${summary.pass} passed, ${summary.fail} failed, ${summary.warn} warnings, ` +
    `${summary.skip} skipped`;
  lines.push('', `certkey: ${verdict}: ${counts}`);
  lines.push(`reports: ${options.out}/preflight.{tap,junit.xml,json}`);
  return `${lines.join('\n')}\n`;
}

/** The width of text as shown, without colour codes. */
function visible(text: string): number {
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}
