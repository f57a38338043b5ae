/**
 * Both ports probed and judged together: which listener presents which target certificate,
 * told apart from a swap, on live listeners on 127.0.0.1.
 */
import t from 'tap';
import { generateBundle } from '../../src/gen/bundle.js';
import { toRawBundle } from '../../src/intake/bundle.js';
import type { Check } from '../../src/model.js';
import { probeTargets } from '../../src/probe/run.js';
import { tlsTarget } from './targets.js';

const bundle = await generateBundle();

/** The `certificate` and `diagnosis` checks of each field, after probing the two ports. */
async function probeBoth(mgmtPort: number, dataPort: number) {
  const checks = await probeTargets(toRawBundle(bundle, 'bundle.json'), {
    bundle: 'bundle.json',
    host: '127.0.0.1',
    mgmtPort,
    dataPort,
    timeoutMs: 20_000,
    out: '',
    json: false,
  });
  const of = (subject: string, name: string) =>
    checks.find((each) => each.subject === subject && each.name === name) as Check;
  return {
    mgmt: of('target_mgmt_cert', 'certificate'),
    data: of('target_data_cert', 'certificate'),
    dataDiagnosis: of('target_data_cert', 'diagnosis'),
  };
}

t.test(
  'both listeners present target_mgmt_cert: the data listener is wrong, no swap',
  async (t) => {
    const mgmtPort = await tlsTarget(t, { bundle });
    const dataPort = await tlsTarget(t, { bundle });
    const { mgmt, data, dataDiagnosis } = await probeBoth(mgmtPort, dataPort);

    t.equal(mgmt.status, 'pass', 'the management port is right');
    t.equal(data.status, 'fail');
    t.equal(
      data.message,
      `127.0.0.1:${dataPort} presents target_mgmt_cert, not target_data_cert: the data ` +
        `listener presents the management certificate, as the management listener on ` +
        `${mgmtPort} does`,
    );
    t.equal(
      data.remedy,
      `configure the data listener on ${dataPort} with target_data_cert and its key`,
    );
    t.equal(dataDiagnosis.message, data.message, 'the diagnosis says the same');
  },
);

t.test('--mgmt-port and --data-port the same: said so, no swap', async (t) => {
  const port = await tlsTarget(t, { bundle });
  const { mgmt, data, dataDiagnosis } = await probeBoth(port, port);

  t.equal(mgmt.status, 'pass');
  t.equal(data.status, 'fail');
  t.match(data.message, `--mgmt-port and --data-port are both ${port}`);
  t.notMatch(data.message, /swapped/);
  t.match(data.remedy, /give each listener its own port/);
  t.match(dataDiagnosis.message, `--mgmt-port and --data-port are both ${port}`);
});

t.test('each listener with the other certificate: swapped, on both ports', async (t) => {
  const mgmtPort = await tlsTarget(t, { bundle, field: 'target_data_cert' });
  const dataPort = await tlsTarget(t, { bundle, field: 'target_mgmt_cert' });
  const { mgmt, data } = await probeBoth(mgmtPort, dataPort);

  for (const check of [mgmt, data]) {
    t.equal(check.status, 'fail');
    t.match(check.message, /: the target's two certificates are swapped$/);
  }
});
