import t from 'tap';
import { mtlsSuite } from '../../suites/mtls.js';
import { bundleOf, makePki, options } from '../handshake/bundle.js';

t.test('print', async (t) => {
  const checks = await mtlsSuite.run({ bundle: bundleOf(await makePki()), options: options(), earlier: [] });
  console.error(JSON.stringify(checks, null, 1));
  t.pass();
});
