#!/usr/bin/env node
// The installed entry point: the bundled CLI built by `npm run build` (run by `npm ci`).
import('../dist/cli.js').catch((error) => {
  const code = error && error.code;
  if (code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('certkey: E_BUILD: dist/cli.js is missing: run `npm ci` or `npm run build`\n');
    process.exit(2);
  }
  process.stderr.write(`certkey: E_INTERNAL: ${error && error.message}\n`);
  process.exit(70);
});
