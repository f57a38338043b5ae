/** The JSON report: the run as data, with a summary, for scripts and `--json`. */
import type { PreflightRun } from './types.js';
import { summarize } from './types.js';

/**
 * Renders the run as JSON. A single task's checks also appear at the top level as
 * `checks`, so a one-bundle report reads without knowing about waves.
 */
export function renderJson(run: PreflightRun): string {
  const summary = summarize(run);
  const single = run.tasks.length === 1 ? run.tasks[0] : undefined;

  const document = {
    tool: run.tool,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    complete: run.complete,
    options: run.options,
    environment: run.environment,
    summary,
    ...(single ? { task: single.task, origin: single.origin, checks: single.checks } : {}),
    tasks: run.tasks,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
