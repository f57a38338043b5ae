/** The short summary printed on stdout: a verdict, counts, and a line per failure or warning. */
import type { PreflightRun, TaskResult } from './types.js';
import { isFailure, plural, summarize } from './types.js';

/** Renders the summary text. */
export function renderSummary(run: PreflightRun, reportDir?: string): string {
  const summary = summarize(run);
  const lines: string[] = [];
  const wave = run.tasks.length > 1;
  const notes = new Map<string, string[]>();

  for (const task of run.tasks) {
    const label = wave ? `${task.task}: ` : '';
    for (const note of task.notes ?? []) notes.set(note, [...(notes.get(note) ?? []), task.task]);
    if (task.error) {
      lines.push(`ERROR ${label}${task.error.code}: ${task.error.message}`);
      lines.push(`      remedy: ${task.error.remedy}`);
    }

    for (const check of task.checks) {
      if (check.status !== 'fail' && check.status !== 'warn') continue;

      const tag = isFailure(check.status, run.options.strict) ? 'FAIL ' : 'WARN ';
      lines.push(`${tag} ${label}${check.suite}/${check.subject}: ${check.message}`);
      if (check.remedy) lines.push(`      remedy: ${check.remedy}`);
      if (check.note) lines.push(`      note: ${check.note}`);
    }
    if (wave && !task.error) lines.push(taskLine(task, run.options.strict));
  }

  lines.push(...noteLines(notes, wave));

  // FAIL when a check failed, ERROR when nothing failed but a task went unchecked (exit 3).
  const verdict = run.complete ? summary.verdict.toUpperCase() : 'INCOMPLETE';
  const counts =
    `${summary.pass} passed, ${summary.fail} failed, ${plural(summary.warn, 'warning')}, ` +
    `${summary.skip} skipped` +
    (summary.errors ? `, ${plural(summary.errors, 'task')} not checked` : '');
  lines.push(`certkey: ${verdict}: ${counts}${run.complete ? '' : ' (interrupted: incomplete)'}`);
  if (reportDir) lines.push(`reports: ${reportDir}/preflight.{tap,junit.xml,json}`);
  return `${lines.join('\n')}\n`;
}

/** How many different notes the summary shows; the JSON report holds every one. */
const SHOWN_NOTES = 5;

/**
 * A `NOTE` line for each different note intake made (which CA field was checked, the
 * service's clock): in a wave once for all the tasks that share it, and a few at most.
 */
function noteLines(notes: ReadonlyMap<string, readonly string[]>, wave: boolean): string[] {
  const lines = [...notes].slice(0, SHOWN_NOTES).map(([note, tasks]) => {
    if (!wave) return `NOTE  ${note}`;
    return `NOTE  ${note} (${tasks.length === 1 ? tasks[0] : `${tasks.length} tasks`})`;
  });
  const more = notes.size - SHOWN_NOTES;
  if (more > 0) lines.push(`NOTE  ${more} more different notes: see preflight.json`);
  return lines;
}

/** One line per task in a wave, counting as the summary line does. */
function taskLine(task: TaskResult, strict: boolean): string {
  const { fail, warn } = summarize({ tasks: [task], options: { strict } });
  const verdict = fail ? 'FAIL' : 'PASS';
  return `TASK  ${task.task}: ${verdict} (${fail} failed, ${plural(warn, 'warning')})`;
}
