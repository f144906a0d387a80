/**
 * The example outputs in the README and docs are what the code serves: each is asked again of a
 * fresh index of the sample article and compared with the text shown (the time taken aside).
 * When this fails, `npm run docs:examples` rewrites them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder } from './helpers/article-index.js';
import { createService } from '../src/service.js';
import { createLogger } from '../src/api/logger.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { comparable, EXAMPLES, examplesIn, renderExamples } from '../scripts/lib/doc-examples.js';

const files = [
  path.join(PROJECT_ROOT, 'README.md'),
  ...fs.readdirSync(path.join(PROJECT_ROOT, 'docs')).map((f) => path.join(PROJECT_ROOT, 'docs', f)),
].filter((f) => f.endsWith('.md'));
const shown = new Map(
  files.flatMap((f) =>
    [...examplesIn(fs.readFileSync(f, 'utf8'))].map(([name, text]) => [name, { file: path.relative(PROJECT_ROOT, f), text }] as const),
  ),
);
let rendered: Awaited<ReturnType<typeof renderExamples>>;

beforeAll(async () => {
  const embedder = await sharedEmbedder();
  const service = createService({
    config: { indexDir: (await buildArticleIndex()).out, corsOrigins: ['*'] },
    logger: createLogger({ level: 'silent' }),
    loadEmbedder: async () => embedder,
  });
  await service.ready;
  rendered = await renderExamples(service.api);
});

describe('example outputs in the documentation', () => {
  it('every example is shown somewhere', () => {
    expect([...shown.keys()].sort()).toEqual(EXAMPLES.map((e) => e.name).sort());
  });

  for (const { name } of EXAMPLES) {
    it(`${name} matches what is served now (else run npm run docs:examples)`, () => {
      const doc = shown.get(name);
      expect(doc, `no example "${name}" in the docs`).toBeDefined();
      expect(comparable(doc!.text), `${name} in ${doc!.file}`).toBe(comparable(rendered.get(name)!.text));
    });
  }
});
