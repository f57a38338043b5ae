/**
 * The replies the mock sends, shaped as SMS and its API gateway shape them: JSON bodies of
 * `{error_code, error_msg}` (the gateway adds `request_id`) and an `X-Request-Id` header.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** One error the mock can answer with. */
export interface MockError {
  status: number;
  code: string;
  message: string;
  /** Gateway errors repeat the request id in the body. */
  fromGateway?: boolean;
}

/**
 * The errors the mock produces by itself. The gateway's codes and SMS.2007 are the ones
 * Huawei Cloud documents.
 *
 * Limitation: SMS does not document the codes it returns for an unknown task or a bad
 * query parameter on this API; SMS.9404 and SMS.9400 are the mock's own stand-ins.
 */
export const MOCK_ERRORS = {
  tokenMissing: {
    status: 401,
    code: 'APIGW.0301',
    message: 'Incorrect IAM authentication information: x-auth-token not found',
    fromGateway: true,
  },
  tokenWrong: {
    status: 401,
    code: 'APIGW.0301',
    message: 'Incorrect IAM authentication information: decrypt token fail',
    fromGateway: true,
  },
  noSuchApi: {
    status: 404,
    code: 'APIGW.0101',
    message: 'The API does not exist or has not been published in the environment',
    fromGateway: true,
  },
  badMethod: { status: 405, code: 'SMS.2003', message: 'Invalid HTTP request method.' },
  badCaFlag: {
    status: 400,
    code: 'SMS.9400',
    message: 'Invalid parameter: enable_ca_cert must be true or false.',
  },
  badTaskId: {
    status: 400,
    code: 'SMS.9400',
    message: 'Invalid parameter: task_id must be 0 to 255 characters.',
  },
  noSuchTask: { status: 404, code: 'SMS.9404', message: 'The migration task does not exist.' },
  internal: { status: 500, code: 'SMS.2007', message: 'Background exception' },
} as const satisfies Record<string, MockError>;

/** A request id as the gateway writes them: 32 lowercase hex digits. */
export function newRequestId(): string {
  return randomBytes(16).toString('hex');
}

/** Sends an SMS-style JSON error. The `X-Request-Id` header is already set. */
export function sendError(res: ServerResponse, error: MockError, requestId: string): void {
  const body: Record<string, string> = { error_code: error.code, error_msg: error.message };
  if (error.fromGateway) body['request_id'] = requestId;
  sendJson(res, error.status, JSON.stringify(body));
}

/** Sends a JSON body (text or bytes as given) with its length. */
export function sendJson(res: ServerResponse, status: number, body: string | Uint8Array): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json;charset=UTF-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
