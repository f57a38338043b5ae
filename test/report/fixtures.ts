/** A run with every status, a warning under strict and a task error, for the report tests. */
import type { PreflightRun, TaskResult } from '../../src/report/types.js';

/** A task with one check of each status, including text XML and TAP must escape. */
export const MIXED_TASK: TaskResult = {
  task: 'task-1',
  origin: 'http://127.0.0.1:1/v3/tasks/task-1/certkey',
  checks: [
    { suite: 'parse', subject: 'cert', status: 'pass', name: 'pem', message: 'one certificate' },
    {
      suite: 'pair',
      subject: 'target_mgmt_cert',
      status: 'fail',
      name: 'public-key',
      message: 'RSA-2048 key <sha256:ab> # does not match "target_mgmt_private_key" & more',
      remedy: 'ask SMS for the task certificates again',
    },
    {
      suite: 'expiry',
      subject: 'ca',
      status: 'warn',
      name: 'validity',
      message: 'ends 2027-01-01 (5 days left)\u0001',
      remedy: 'renew the CA',
    },
    {
      suite: 'mtls',
      subject: 'target_data_cert',
      status: 'skip',
      name: 'tls1.2',
      message: 'no key',
    },
  ],
};

/** Builds a run around the given tasks. */
export function makeRun(tasks: TaskResult[], strict = false): PreflightRun {
  return {
    tool: { name: 'certkey', version: '0.0.0-test' },
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T10:00:01.250Z',
    options: { at: '2026-12-01T10:00:00.000Z', minDays: 30, strict },
    environment: { node: process.versions.node, openssl: process.versions.openssl },
    tasks,
    complete: true,
  };
}

/** A task that could not be fetched. */
export const ERROR_TASK: TaskResult = {
  task: 'task-2',
  origin: 'http://127.0.0.1:1',
  checks: [],
  error: { code: 'E_FETCH_HTTP', message: 'HTTP 404 SMS.1815', remedy: 'check the task id' },
};
