import { expect, it } from 'vitest';
import { buildProgress } from '../../scripts/lib/progress.js';

it('outside a terminal, a long stage logs a line every five seconds with its rate and time left; short stages log nothing', () => {
  const lines: string[] = [];
  let now = 0;
  const progress = buildProgress(
    (l) => lines.push(l),
    false,
    () => now,
  );
  progress.onProgress('reading', 0, 10);
  now = 800;
  progress.onProgress('reading', 9, 10); // done in under a second: silent
  progress.onProgress('embedding', 0, 4000);
  now += 4000;
  progress.onProgress('embedding', 400, 4000); // 4 s in: not yet
  now += 2000;
  progress.onProgress('embedding', 600, 4000); // 6 s in, 100/s
  now += 1000;
  progress.onProgress('embedding', 700, 4000); // 1 s after the last line: not yet
  expect(lines).toEqual(['build: embedding 600/4000 chunks (15%), 100/s, about 34 s left']);
});
