import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { checkSaveTarget, saveReply } from '../../src/intake/save.js';
import type { RawBundle } from '../../src/model.js';

const dir = await mkdtemp(join(tmpdir(), 'certkey-save-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const raw: RawBundle = { origin: 'test', fields: { cert: 'PEM' }, wrongType: {} };

t.test('a file in a folder that does not exist is refused before any fetch', async (t) => {
  const path = join(dir, 'nodir', 'saved.json');
  const message = /^cannot write .*saved\.json: the folder .*nodir does not exist$/;
  const remedy = /^create the folder first/;
  await t.rejects(checkSaveTarget(path), { code: 'E_OUTPUT_WRITE', message, remedy });
  await t.rejects(saveReply(path, raw), { code: 'E_OUTPUT_WRITE', message, remedy });
});

t.test('a file under something that is not a folder is refused', async (t) => {
  const file = join(dir, 'plain');
  await writeFile(file, '');
  const path = join(file, 'saved.json');
  const message = /plain is not a folder$/;
  await t.rejects(checkSaveTarget(path), { code: 'E_OUTPUT_WRITE', message });
  await t.rejects(saveReply(path, raw), { code: 'E_OUTPUT_WRITE', message });
});

t.test('a new file in a folder that exists passes the check', async (t) => {
  await t.resolves(checkSaveTarget(join(dir, 'new.json')));
});
