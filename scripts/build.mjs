// Bundles src/cli.ts into dist/ with one chunk per lazily imported stage, so a command
// loads only the modules it needs.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * yargs and its help layout import string-width, whose module body builds Unicode property
 * regular expressions (`\p{RGI_Emoji}` with the `v` flag) and Intl.Segmenter objects: some
 * 50 ms at every start of the CLI, although widths are only measured to lay out `--help`.
 * Each import of string-width gets a stand-in that answers printable ASCII itself (one
 * column a character, as string-width does) and loads the real module only for other text
 * (esbuild turns the `require` of an ES module into a lazily run wrapper).
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.namespace === 'lazy-string-width') return undefined;
      const real = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        namespace: 'lazy-string-width',
      });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-string-width' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      contents:
        'let real;\n' +
        'export default function stringWidth(text, options) {\n' +
        "  if (typeof text === 'string' && /^[\\x20-\\x7e]*$/.test(text)) return text.length;\n" +
        `  real ??= require(${JSON.stringify(args.path)}).default;\n` +
        '  return real(text, options);\n' +
        '}\n',
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * Packages are bundled from their ES module builds where they ship one (`mainFields` below):
 * esbuild then hoists them instead of wrapping CommonJS, which loads @peculiar/x509 and its
 * ASN.1 stack markedly faster. reflect-metadata is a plain script that esbuild would wrap as
 * CommonJS and run only after the ES modules it must precede (tsyringe checks for it when it
 * loads), so it is bundled as an ES module too: it then runs where it is imported.
 */
const reflectMetadataFirst = {
  name: 'reflect-metadata-first',
  setup(build) {
    build.onResolve({ filter: /^reflect-metadata$/ }, async (args) => {
      if (args.namespace === 'reflect-metadata-first') return undefined;
      const real = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        namespace: 'reflect-metadata-first',
      });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'reflect-metadata-first' };
    });
    build.onLoad({ filter: /.*/, namespace: 'reflect-metadata-first' }, (args) => ({
      contents: `${readFileSync(args.path, 'utf8')}\nexport {};\n`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const dist = new URL('../dist', import.meta.url);
const staging = new URL(`../.dist-${process.pid}`, import.meta.url);
const stale = new URL(`../.dist-old-${process.pid}`, import.meta.url);

await build({
  // The wave's checking threads start from their own entry (src/wave/workers.ts).
  entryPoints: { cli: 'src/cli.ts', 'check-worker': 'src/wave/check-worker.ts' },
  outdir: staging.pathname,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Less text for V8 to parse at every start; names are kept, and the source map maps
  // positions back to src/.
  minifyWhitespace: true,
  minifySyntax: true,
  mainFields: ['module', 'main'],
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
  plugins: [lazyStringWidth, reflectMetadataFirst],
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
