/**
 * `certkey demo`: the whole job on loopback, as the README's start command. A generated
 * bundle is served by the SMS-compatible mock and fetched over HTTP with a token; every
 * suite runs and the three reports are written.
 */
import { randomBytes } from 'node:crypto';
import { generateBundle } from '../gen/bundle.js';
import { startMock } from '../mock/server.js';
import { runPreflight } from './run.js';

/** The task id the demo asks for. */
const DEMO_TASK = 'demo-task';

/** Runs the demo and returns the exit code of the preflight. */
export async function demoCommand(argv: Record<string, unknown>): Promise<number> {
  const token = randomBytes(24).toString('base64url');
  const body = await generateBundle();
  const mock = await startMock({
    token,
    bundles: (taskId) => (taskId === DEMO_TASK ? body : undefined),
  });
  process.stderr.write(`certkey demo: SMS-compatible endpoint at ${mock.url}\n`);

  try {
    return await runPreflight({
      source: { kind: 'api', endpoint: mock.url, taskId: DEMO_TASK, token },
      check: { at: new Date(), minDays: 30, handshakeTimeoutMs: 10_000 },
      out: typeof argv.out === 'string' ? argv.out : 'reports',
      strict: false,
      json: false,
      verbose: false,
      timeoutMs: 10_000,
    });
  } finally {
    await mock.close();
  }
}
