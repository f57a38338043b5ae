import t from 'tap';
import { createProgress } from '../../src/wave/progress.js';

/** A stand-in for process.stderr that records what is written. */
function stream(isTTY: boolean) {
  const written: string[] = [];
  const fake = { isTTY, write: (text: string) => written.push(text) > 0 };
  return { fake: fake as unknown as NodeJS.WriteStream, written };
}

t.test('a terminal gets a counter line, cleared at the end', async (t) => {
  const saved = process.env.CI;
  delete process.env.CI;
  t.teardown(() => {
    if (saved !== undefined) process.env.CI = saved;
  });

  const { fake, written } = stream(true);
  const progress = createProgress(3, fake);
  progress.tick('pass');
  progress.tick('failed');
  progress.tick('error');
  progress.done();
  t.match(written.at(-2), /3\/3 tasks checked, 1 failed, 1 not checked/);
  t.equal(written.at(-1), '\r\u001b[2K', 'the line is cleared');
});

t.test('a pipe, a file or CI gets nothing', async (t) => {
  const pipe = stream(false);
  createProgress(5, pipe.fake).tick('pass');
  t.same(pipe.written, []);

  const saved = process.env.CI;
  process.env.CI = 'true';
  t.teardown(() => {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  });
  const ci = stream(true);
  createProgress(5, ci.fake).tick('pass');
  t.same(ci.written, []);
});
