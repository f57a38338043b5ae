/**
 * `certkey probe`: connects to a live target's two listeners with the bundle's source
 * certificate, as the SMS Agent does, and says for each port what works and what to do.
 * Reports and exit codes as `certkey run`: 0 nothing failed, 1 a check failed, 2 bad input.
 */
import { EXIT } from '../errors.js';
import type { PreflightRun } from '../report/types.js';
import { VERSION } from '../version.js';

/** Runs `certkey probe` and returns the process exit code. */
export async function probeCommand(argv: Record<string, unknown>): Promise<number> {
  const { readProbeOptions } = await import('../probe/options.js');
  const options = readProbeOptions(argv);
  const { loadBundle } = await import('../intake/load.js');
  const raw = await loadBundle(options.bundle);

  const startedAt = new Date();
  const { probeTargets } = await import('../probe/run.js');
  const checks = await probeTargets(raw, options);
  const { tlsEnvironment } = await import('../handshake/environment.js');
  const tls = await tlsEnvironment();
  const run: PreflightRun = {
    tool: { name: 'certkey', version: VERSION },
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options: { at: startedAt.toISOString(), minDays: 0, strict: false },
    environment: {
      node: process.versions.node,
      openssl: tls.openssl,
      ...(tls.securityLevel === null ? {} : { securityLevel: tls.securityLevel }),
    },
    tasks: [{ task: options.host, origin: raw.origin, checks }],
    complete: true,
  };

  const { writeReports } = await import('../report/write.js');
  const { summarize } = await import('../report/types.js');
  const json = await writeReports(run, options.out);
  const summary = summarize(run);
  if (options.json) {
    process.stdout.write(json);
  } else {
    const { palette, wantsColour } = await import('../terminal/colour.js');
    const { renderProbe } = await import('../probe/render.js');
    process.stdout.write(renderProbe(checks, summary, options, palette(wantsColour())));
  }
  return summary.verdict === 'pass' ? EXIT.ok : EXIT.checkFailed;
}
