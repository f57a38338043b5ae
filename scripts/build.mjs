// Bundles src/cli.ts into dist/ with one chunk per lazily imported stage, so a command
// loads only the modules it needs.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const dist = new URL('../dist', import.meta.url);
const staging = new URL(`../.dist-${process.pid}`, import.meta.url);
const stale = new URL(`../.dist-old-${process.pid}`, import.meta.url);

await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: staging.pathname,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // Optional peers of tap's formatter that the TAP writer never reaches.
  external: ['react', 'react-element-to-jsx-string'],
  // CommonJS dependencies call require(); ESM output needs one.
  banner: {
    js:
      "import { createRequire as __certkeyRequire } from 'node:module';\n" +
      'const require = __certkeyRequire(import.meta.url);',
  },
  define: { CERTKEY_VERSION: JSON.stringify(pkg.version) },
});

// Swap the new build in with renames, so a CLI started during a rebuild never sees half
// a dist/ folder.
try {
  renameSync(dist, stale);
} catch {
  // first build: nothing to move aside
}
renameSync(staging, dist);
rmSync(stale, { recursive: true, force: true });
