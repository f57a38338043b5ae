/**
 * Checks what a fetch is asked to send before anything is sent. Messages never echo the
 * endpoint or token as given: a token pasted in the wrong place must not be printed.
 */
import { CertkeyError } from '../errors.js';

/** The parts of a fetch request, checked. */
export interface CheckedRequest {
  base: URL;
  token: string;
  taskId: string;
}

/**
 * Checks the endpoint, token and task id; throws E_USAGE naming the problem. No token (AK/SK
 * signing instead) checks as the empty string.
 */
export function checkRequest(request: {
  endpoint: string;
  token?: string;
  taskId: string;
}): CheckedRequest {
  return {
    base: parseEndpoint(request.endpoint),
    token: request.token === undefined ? '' : checkToken(request.token),
    taskId: checkTaskId(request.taskId),
  };
}

/** Checks the endpoint without echoing it (a pasted token must not be printed). */
function parseEndpoint(endpoint: string): URL {
  const usage = (problem: string) =>
    new CertkeyError(
      'E_USAGE',
      `--endpoint ${problem}`,
      'give the SMS endpoint, such as https://sms.ap-southeast-3.myhuaweicloud.com',
    );

  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw usage('is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw usage('is not http(s)');
  if (url.username || url.password) throw usage('must not hold a user name or password');
  if (url.search || url.hash) throw usage('must not hold a query or fragment');
  return url;
}

/** Trims the token (files end in a newline) and rejects what a header cannot carry. */
function checkToken(token: string): string {
  const trimmed = token.trim();
  const remedy = 'use the X-Subject-Token value IAM returned, unchanged and on one line';
  if (!trimmed) throw new CertkeyError('E_USAGE', 'the token is empty', remedy);
  if (!/^[\x21-\x7e]+$/.test(trimmed) || trimmed.length > 16384) {
    const problem = 'the token holds spaces, line breaks or non-ASCII characters, or is too long';
    throw new CertkeyError('E_USAGE', problem, remedy);
  }
  return trimmed;
}

/** Rejects task ids the API cannot hold (it allows up to 255 characters). */
function checkTaskId(taskId: string): string {
  const remedy = 'copy the migration task id from the SMS console or `ListTasks`';
  if (!taskId) throw new CertkeyError('E_USAGE', 'the task id is empty', remedy);
  if (taskId.length > 255) {
    throw new CertkeyError('E_USAGE', 'the task id is over 255 characters', remedy);
  }
  // URLs resolve `.` and `..` as steps of the path: the request, token and all, would go to
  // another API path than the task's.
  if (taskId === '.' || taskId === '..') {
    throw new CertkeyError('E_USAGE', `the task id "${taskId}" is a step of a path`, remedy);
  }
  return taskId;
}
