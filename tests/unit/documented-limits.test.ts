/** The limits users read (README's request table, docs/api.md) are the ones src/api/limits.ts enforces. */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { LIMITS } from '../../src/api/limits.js';
import { PROJECT_ROOT } from '../../src/paths.js';

const read = (file: string) => fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8').replace(/\s+/g, ' ');
const thousands = (n: number) => n.toLocaleString('en-US');

it('docs/api.md states every limit as enforced', () => {
  expect(read('docs/api.md')).toContain(
    `Limits: body ${LIMITS.maxBodyBytes / 1024} KiB, query ${thousands(LIMITS.maxQueryChars)} characters, \`top_k\` ${LIMITS.maxTopK}, ` +
      `${LIMITS.maxFilterFields} filter fields with ${LIMITS.maxFilterValues} values each, context budget ${thousands(LIMITS.maxContextChars)} characters.`,
  );
  expect(read('docs/api.md')).toContain(`| \`payload_too_large\` | 413 | body over ${LIMITS.maxBodyBytes / 1024} KiB |`);
});

it("the README's request table gives the query length, top_k's range and its default as enforced", () => {
  const readme = read('README.md');
  expect(readme).toContain(`| \`query\` | string, 1–${LIMITS.maxQueryChars} chars | required |`);
  expect(readme).toContain(`| \`top_k\` | integer 1–${LIMITS.maxTopK} | ${LIMITS.defaultTopK} |`);
});
