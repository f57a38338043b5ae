/**
 * A worker thread of a wave: it checks the bundles the main thread sends (parse, every suite,
 * the mtls handshakes on its own loopback listeners) and sends back plain checks. Parsed
 * certificates and keys never leave the worker and are dropped when a task ends.
 */
import module from 'node:module';
import { parentPort } from 'node:worker_threads';
import type { CheckOptions, RawBundle } from '../model.js';
import { checkBundle } from './check-task.js';

/** A bundle to check, numbered so the answer can be matched to it. */
export interface CheckRequest {
  id: number;
  raw: RawBundle;
  check: CheckOptions;
}

// The compile cache (Node 22.1+; see bin/certkey.js) is per thread: a worker asks for it too.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const port = parentPort;
if (port) {
  port.on('message', (request: CheckRequest) => {
    void checkBundle(request.raw, request.check).then((outcome) =>
      port.postMessage({ id: request.id, outcome }),
    );
  });
}
