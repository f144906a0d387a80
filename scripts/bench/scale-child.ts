/**
 * Runs in a fresh process (for honest load time and RSS): opens the synthetic index with the real
 * Searcher and measures search without the question embedding, dense recall@10 against an exact
 * scan, load time and memory. Prints one JSON line. With no questions file it only loads.
 */
import { loadEmbedder } from '../../src/embed/load-embedder.js';
import { readIndexFiles } from '../../src/index/read-index.js';
import { exactNearest } from '../../src/vector/exact-scan.js';
import { embedInBatches } from '../../src/embed/batches.js';
import { elapsedMs, summarize } from './stats.js';
import { openSearcher } from '../../src/search/open-searcher.js';

const [indexDir, questionsFile] = process.argv.slice(2);
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const searcher = await openSearcher(indexDir!, { loadEmbedder });
const loadMs = performance.now() - started;
const rssAfterLoad = process.memoryUsage().rss;
if (!questionsFile) {
  console.log(JSON.stringify({ load_ms: loadMs }));
  process.exit(0);
}
const questions = (await import('node:fs')).readFileSync(questionsFile, 'utf8').split('\n').filter(Boolean);

// Real questions, embedded up front in batches: what is timed below is the search alone.
const questionVectors = await embedInBatches(searcher.embedder, questions, 64, undefined, 'query');
const queries = questions.map((text, i) => ({ text, vector: questionVectors[i]! }));

const dense: number[] = [];
const hybrid: number[] = [];
const lexical: number[] = [];
const full: number[] = [];
// Timed passes first, question by question; the exact scans for recall come after, so that their
// sweep over every vector does not flush the caches between the timed searches.
const denseIds: number[][] = [];
for (const [i, q] of queries.entries()) {
  const steps = [
    async () =>
      dense.push(
        await elapsedMs(
          async () => (denseIds[i] = (await searcher.scoreChunks({ query: q.text, topK: 10, mode: 'dense' }, q.vector)).map((s) => s.id)),
        ),
      ),
    async () => hybrid.push(await elapsedMs(() => searcher.scoreChunks({ query: q.text, topK: 10, mode: 'hybrid' }, q.vector))),
    async () => lexical.push(await elapsedMs(() => searcher.scoreChunks({ query: q.text, topK: 10, mode: 'lexical' }, undefined))),
    async () => full.push(await elapsedMs(() => searcher.rank({ query: q.text, topK: 5, mode: 'hybrid' }, q.vector))),
  ];
  // Rotated question by question, so that no measurement always follows the same one.
  for (let s = 0; s < steps.length; s++) await steps[(i + s) % steps.length]!();
  if (i < 20) for (const samples of [dense, hybrid, lexical, full]) samples.pop(); // warm-up
}
let recall = 0;
const { vectors } = await readIndexFiles(indexDir!);
for (const [i, q] of queries.entries()) {
  const exact = new Set(exactNearest(vectors, Float64Array.from(q.vector), 10));
  recall += denseIds[i]!.filter((id) => exact.has(id)).length / 10;
}

console.log(
  JSON.stringify({
    chunks: searcher.manifest.counts.chunks,
    load_ms: loadMs,
    load_breakdown_ms: searcher.loadTimings,
    rss_mb_after_load: rssAfterLoad / 1048576,
    rss_mb_index: (rssAfterLoad - rssBefore) / 1048576,
    dense_ms: summarize(dense),
    hybrid_ms: summarize(hybrid),
    lexical_ms: summarize(lexical),
    hybrid_with_snippets_ms: summarize(full),
    recall_at_10: recall / queries.length,
    ef_search: searcher.manifest.hnsw.ef_search,
  }),
);
await searcher.embedder.dispose();
