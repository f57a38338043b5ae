#!/usr/bin/env node
// The installed entry point: the bundled CLI built by `npm run build` (run by `npm ci`).
import module from 'node:module';

// Node 22.1 and later keep V8's compiled code of dist/ between runs (in the OS temporary
// folder, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off): a cold start
// then skips most of the parsing. Node 20 has no such cache and starts as before.
module.enableCompileCache?.();

import('../dist/cli.js').catch((error) => {
  const code = error && error.code;
  if (code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('certkey: E_BUILD: dist/cli.js is missing: run `npm ci` or `npm run build`\n');
    process.exit(2);
  }
  process.stderr.write(`certkey: E_INTERNAL: ${error && error.message}\n`);
  process.exit(70);
});
