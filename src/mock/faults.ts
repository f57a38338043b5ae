/**
 * Broken networks and misbehaving gateways for the mock (`certkey mock --fault NAME`): each
 * fault is an intercept hook that answers some or all requests in one bad way, so a client
 * can be tried against what real networks do (stalls, resets, proxies, rate limits).
 */
import { CertkeyError } from '../errors.js';
import { sendError, sendJson } from './replies.js';
import type { MockExchange, MockHook } from './server.js';

/** What a fault may need: the body the mock would have served. */
export interface FaultContext {
  body: string | Uint8Array;
}

/** One fault: what it does, and how to build its hook from its argument. */
interface FaultKind {
  usage: string;
  description: string;
  build(argument: string | undefined, context: FaultContext): MockHook;
}

/** The delay between bytes of `trickle-body`, in milliseconds. */
const TRICKLE_MS = 200;

/** `oversize-body` sends this much: over fetch's 8 MiB cap for a reply. */
const OVERSIZE_BYTES = 9 * 1024 * 1024;

const HTML_ERROR =
  '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>' +
  '<hr><center>gateway</center></body></html>\n';
const LOGIN_PAGE =
  '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form method="post">' +
  '<input name="user"><input name="password" type="password"></form></body></html>\n';

/** Every fault by name. */
const FAULTS: Readonly<Record<string, FaultKind>> = {
  'slow-headers': {
    usage: 'slow-headers',
    description: 'accepts the request and never sends a status line',
    build: () => () => true,
  },
  'trickle-body': {
    usage: 'trickle-body',
    description: `sends the 200 headers, then the body one byte every ${TRICKLE_MS} ms`,
    build:
      (_argument, { body }) =>
      (exchange) =>
        trickle(exchange, Buffer.from(body)),
  },
  'drop-mid-body': {
    usage: 'drop-mid-body',
    description: 'sends the headers and half the body, then closes the connection',
    build:
      (_argument, { body }) =>
      (exchange) =>
        dropMidBody(exchange, Buffer.from(body)),
  },
  reset: {
    usage: 'reset',
    description: 'resets the TCP connection (RST) as soon as a request arrives',
    build: () => (exchange) => {
      exchange.req.socket.resetAndDestroy();
      return true;
    },
  },
  '429': {
    usage: '429[:SECONDS]',
    description: 'rate limits every request; with SECONDS, sends Retry-After: SECONDS',
    build: (argument) => {
      const seconds = argument === undefined ? undefined : count('429', argument);
      return (exchange) => {
        if (seconds !== undefined) exchange.res.setHeader('Retry-After', String(seconds));
        const error = {
          status: 429,
          code: 'APIGW.0308',
          message: 'The throttling threshold has been reached',
          fromGateway: true,
        };
        sendError(exchange.res, error, exchange.requestId);
        return true;
      };
    },
  },
  '500-burst': burst(500, 'SMS.2007', 'Background exception'),
  '503-burst': burst(503, 'APIGW.0201', 'Request error: service unavailable'),
  'html-error': {
    usage: 'html-error',
    description: 'answers 502 with an HTML page, as a proxy or load balancer does',
    build: () => (exchange) => sendRaw(exchange, 502, 'text/html', HTML_ERROR),
  },
  'wrong-content-type': {
    usage: 'wrong-content-type',
    description: 'answers 200 with an HTML login page, as a captive portal does',
    build: () => (exchange) => sendRaw(exchange, 200, 'text/html; charset=utf-8', LOGIN_PAGE),
  },
  'invalid-json': {
    usage: 'invalid-json',
    description: 'answers 200 with the bundle cut off in the middle (keys included)',
    build:
      (_argument, { body }) =>
      (exchange) => {
        const bytes = Buffer.from(body);
        sendJson(exchange.res, 200, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
        return true;
      },
  },
  'oversize-body': {
    usage: 'oversize-body',
    description: `answers 200 with ${OVERSIZE_BYTES} bytes, chunked, without a length`,
    build: () => (exchange) => oversize(exchange),
  },
  redirect: {
    usage: 'redirect:URL',
    description: 'answers 307 to the same path on URL (another host)',
    build: (argument) => {
      const target = redirectTarget(argument);
      return (exchange) => {
        const location = new URL(exchange.url.pathname + exchange.url.search, target);
        exchange.res.setHeader('Location', location.href);
        return sendRaw(exchange, 307, 'text/plain', '');
      };
    },
  },
  'echo-token': {
    usage: 'echo-token',
    description: 'answers 401 quoting the X-Auth-Token it received in error_msg',
    build: () => (exchange) => {
      const sent = String(exchange.req.headers['x-auth-token'] ?? '');
      const message = `Incorrect IAM authentication information: token ${sent} is invalid`;
      const error = { status: 401, code: 'APIGW.0301', message, fromGateway: true };
      sendError(exchange.res, error, exchange.requestId);
      return true;
    },
  },
  'random-5xx': {
    usage: 'random-5xx:RATE[:SEED]',
    description: 'answers 500 or 503 to a RATE share of requests, chosen by a seeded generator',
    build: (argument) => randomFailures(argument),
  },
};

/** One line per fault, for help and error messages. */
export function listFaults(): string {
  return Object.values(FAULTS)
    .map((fault) => `${fault.usage}: ${fault.description}`)
    .join('\n');
}

/**
 * Builds the hook for `--fault NAME[:ARGUMENT]`. Throws E_USAGE naming the fault when the
 * name is unknown or its argument is bad.
 */
export function faultHook(spec: string, context: FaultContext): MockHook {
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const argument = colon < 0 ? undefined : spec.slice(colon + 1);
  const fault = FAULTS[name];
  if (!fault || !Object.hasOwn(FAULTS, name)) {
    throw new CertkeyError(
      'E_USAGE',
      `--fault ${JSON.stringify(name)} is not a fault the mock knows`,
      `use one of: ${Object.values(FAULTS)
        .map((known) => known.usage)
        .join(', ')}`,
    );
  }
  return fault.build(argument, context);
}

/** `500-burst:N` and `503-burst:N`: the first N requests fail, later ones pass through. */
function burst(status: 500 | 503, code: string, message: string): FaultKind {
  return {
    usage: `${status}-burst[:N]`,
    description: `answers ${status} to the first N requests (default 1), then serves normally`,
    build: (argument) => {
      const limit = argument === undefined ? 1 : count(`${status}-burst`, argument);
      let seen = 0;
      return (exchange) => {
        seen += 1;
        if (seen > limit) return false;
        sendError(exchange.res, { status, code, message }, exchange.requestId);
        return true;
      };
    },
  };
}

/** `random-5xx:RATE[:SEED]`: mulberry32, so a seed replays the same failures. */
function randomFailures(argument: string | undefined): MockHook {
  const [rateText = '', seedText = '1'] = (argument ?? '').split(':');
  const rate = Number(rateText);
  if (rateText === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw badArgument('random-5xx', 'RATE must be a number from 0 to 1, such as 0.1');
  }
  let state = count('random-5xx', seedText) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  return (exchange) => {
    if (next() >= rate) return false;
    const status = next() < 0.5 ? 500 : 503;
    const error = { status, code: 'SMS.2007', message: 'Background exception' };
    sendError(exchange.res, error, exchange.requestId);
    return true;
  };
}

/** Sends a body of the given type as it is. */
function sendRaw(exchange: MockExchange, status: number, type: string, body: string): true {
  exchange.res.statusCode = status;
  exchange.res.setHeader('Content-Type', type);
  exchange.res.setHeader('Content-Length', Buffer.byteLength(body));
  exchange.res.end(body);
  return true;
}

/** Writes one byte every TRICKLE_MS until the body is out or the client leaves. */
function trickle(exchange: MockExchange, body: Buffer): true {
  const { res } = exchange;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  let sent = 0;
  const timer = setInterval(() => {
    if (sent >= body.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(body.subarray(sent, sent + 1));
    sent += 1;
  }, TRICKLE_MS);
  res.on('close', () => clearInterval(timer));
  return true;
}

/** Declares the whole length, sends half, then drops the connection. */
function dropMidBody(exchange: MockExchange, body: Buffer): true {
  const { res } = exchange;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
  return true;
}

/** Streams OVERSIZE_BYTES in 64 KiB chunks, heeding back-pressure and a departed client. */
function oversize(exchange: MockExchange): true {
  const { res } = exchange;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let left = OVERSIZE_BYTES;
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      left -= chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
  return true;
}

/** Checks the URL of `redirect:URL`. */
function redirectTarget(argument: string | undefined): URL {
  try {
    const target = new URL(argument ?? '');
    if (target.protocol === 'http:' || target.protocol === 'https:') return target;
  } catch {
    // Reported below.
  }
  throw badArgument('redirect', 'URL must be an http(s) URL, such as http://127.0.0.1:8080');
}

/** A whole number of 0 or more, or E_USAGE naming the fault. */
function count(name: string, text: string): number {
  const value = Number(text);
  if (/^\d+$/.test(text) && Number.isSafeInteger(value)) return value;
  throw badArgument(name, `${JSON.stringify(text)} is not a whole number`);
}

function badArgument(name: string, problem: string): CertkeyError {
  return new CertkeyError('E_USAGE', `--fault ${name}: ${problem}`, 'see `certkey mock --help`');
}
