/**
 * npm run docs:examples: rewrites the example outputs in README.md and docs/*.md from the sample
 * index and the current code (see scripts/lib/doc-examples.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildIndex } from '../src/build/build-index.js';
import { loadEmbedder, DEFAULT_EMBEDDER } from '../src/embed/load-embedder.js';
import { createService } from '../src/service.js';
import { createLogger } from '../src/api/logger.js';
import { DEFAULT_CORPUS_DIR, DEFAULT_INDEX_DIR, PROJECT_ROOT } from '../src/paths.js';
import { renderExamples, withExamples } from './lib/doc-examples.js';

const embedder = await loadEmbedder(DEFAULT_EMBEDDER);
await buildIndex({ corpus: DEFAULT_CORPUS_DIR, out: DEFAULT_INDEX_DIR, embedder }); // a no-op when current
const service = createService({
  config: { indexDir: DEFAULT_INDEX_DIR, corsOrigins: ['*'] },
  logger: createLogger({ level: 'silent' }),
  loadEmbedder: async () => embedder,
});
await service.ready;
const rendered = await renderExamples(service.api);
const docs = path.join(PROJECT_ROOT, 'docs');
for (const file of [
  path.join(PROJECT_ROOT, 'README.md'),
  ...fs
    .readdirSync(docs)
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(docs, f)),
]) {
  const before = fs.readFileSync(file, 'utf8');
  const after = withExamples(before, rendered);
  if (after !== before) {
    fs.writeFileSync(file, after);
    console.log(`updated ${path.relative(PROJECT_ROOT, file)}`);
  }
}
await embedder.dispose();
