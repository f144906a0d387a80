/**
 * npm run tune -- --dataset <dir>: sweeps ranking settings on a BEIR dataset with the product's
 * own Searcher (questions embedded once, index built once) and prints each setting's metrics,
 * best first. This is how the shipped defaults in src/search/defaults.ts were chosen.
 */
import { Command } from 'commander';
import { loadEmbedder, DEFAULT_EMBEDDER } from '../src/embed/load-embedder.js';
import { embedInBatches } from '../src/embed/batches.js';
import { loadBeir } from '../src/eval/beir.js';
import { evaluate, METRIC_NAMES, type Metrics } from '../src/eval/metrics.js';
import { chunkDepth, judgedQueries, prepareEvalIndex, rankQueries } from '../src/eval/run-eval.js';
import { readManifest } from '../src/index/read-index.js';
import { Searcher, type SearchMode } from '../src/search/searcher.js';
import { DEFAULT_RANKING, type RankingSettings } from '../src/search/defaults.js';
import { resolveFromCwd } from '../src/paths.js';
import type { BuildSettings } from '../src/index/settings.js';

type Variant = { name: string; mode: SearchMode; ranking: RankingSettings };

function grid(base: RankingSettings, which: string): Variant[] {
  const out: Variant[] = [{ name: 'shipped hybrid', mode: 'hybrid', ranking: base }];
  const lexical = (name: string, r: Partial<RankingSettings>) => out.push({ name, mode: 'lexical', ranking: { ...base, ...r } });
  const hybrid = (name: string, r: Partial<RankingSettings>) => out.push({ name, mode: 'hybrid', ranking: { ...base, ...r } });
  if (which === 'lexical-doc') {
    for (const k1 of [0.9, 1.2, 1.5, 2])
      for (const b of [0.5, 0.75, 0.9])
        for (const contextWeight of [0.5, 1, 2])
          for (const d of [0.5, 0.75, 0.9]) lexical(`bm25 k1=${k1} b=${b} ctx=${contextWeight} doc-share=${d}`, { bm25: { k1, b, contextWeight }, documentLexicalWeight: d });
  }
  if (which === 'hybrid') {
    for (const denseWeight of [0.25, 0.3, 0.35, 0.4])
      for (const contextWeight of [1, 2])
        for (const documentLexicalWeight of [0.5, 0.75, 0.9])
          for (const k1 of [1.2, 1.5])
            hybrid(`dense=${denseWeight} ctx=${contextWeight} lex-doc=${documentLexicalWeight} k1=${k1}`, {
              bm25: { ...base.bm25, k1, contextWeight },
              documentLexicalWeight,
              fusion: { ...base.fusion, method: 'convex', denseWeight },
            });
  }
  if (which === 'lexical' || which === 'all') {
    for (const k1 of [0.9, 1.2, 1.5])
      for (const b of [0.4, 0.6, 0.75, 0.9])
        for (const contextWeight of [0, 0.5, 1, 2, 3]) lexical(`bm25 k1=${k1} b=${b} ctx=${contextWeight}`, { bm25: { k1, b, contextWeight } });
    for (const w of [0.25, 0.5, 0.75, 1]) lexical(`bm25 doc-share=${w}`, { documentLexicalWeight: w });
  }
  if (which === 'fusion' || which === 'all') {
    out.push({ name: 'dense only', mode: 'dense', ranking: base });
    for (const denseWeight of [0.1, 0.2, 0.3, 0.4, 0.5]) hybrid(`convex dense=${denseWeight}`, { fusion: { ...base.fusion, method: 'convex', denseWeight } });
    for (const rrfK of [10, 30, 60, 100]) hybrid(`rrf k=${rrfK}`, { fusion: { ...base.fusion, method: 'rrf', rrfK } });
  }
  return out;
}

const program = new Command('tune')
  .requiredOption('--dataset <dir>', 'BEIR-layout dataset (the tuning set)')
  .option('--embedder <id>', 'embedder id', process.env.EMBEDDER ?? DEFAULT_EMBEDDER)
  .option('--grid <which>', 'lexical | fusion | all', 'all')
  .option('--top-k <n>', 'documents per query', (v) => Number(v), 100)
  .option('--build <json>', 'build settings of the index to tune on, e.g. \'{"analyzer":{"stem":true,"stopwords":false}}\'', '{}')
  .option('--base <json>', 'ranking settings to sweep around, e.g. \'{"documentLexicalWeight":0.75}\'', '{}')
  .action(async (opts) => {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const embedder = await loadEmbedder(opts.embedder);
    const data = await loadBeir(resolveFromCwd(opts.dataset));
    const indexDir = await prepareEvalIndex(data, { embedder, log, build: JSON.parse(opts.build) as Partial<BuildSettings> });
    const { counts } = readManifest(indexDir);
    const depth = chunkDepth(opts.topK, counts.chunks, counts.documents);
    const base: RankingSettings = { ...DEFAULT_RANKING, ...(JSON.parse(opts.base) as Partial<RankingSettings>), candidates: Math.max(DEFAULT_RANKING.candidates, depth) };
    const searcher = await Searcher.open(indexDir, { embedder, ranking: base });
    const judged = judgedQueries(data);
    log(`embedding ${judged.length} questions`);
    const vectors = await embedInBatches(embedder, judged.map((q) => data.queries.get(q)!), 64, undefined, 'query');
    const rows: { name: string; metrics: Metrics }[] = [];
    for (const v of grid(base, opts.grid)) {
      const run = rankQueries(searcher.withRanking(v.ranking), data, v.mode, opts.topK, vectors);
      rows.push({ name: v.name, metrics: evaluate(run, data.qrels).metrics });
      log(`${v.name}: ${rows.at(-1)!.metrics['ndcg@10'].toFixed(4)}`);
    }
    rows.sort((a, b) => b.metrics['ndcg@10'] - a.metrics['ndcg@10']);
    console.log(`| setting | ${METRIC_NAMES.join(' | ')} |\n|---|${METRIC_NAMES.map(() => '---').join('|')}|`);
    for (const r of rows) console.log(`| ${r.name} | ${METRIC_NAMES.map((m) => r.metrics[m].toFixed(4)).join(' | ')} |`);
    console.log(JSON.stringify(rows.map((r) => ({ setting: r.name, ...r.metrics }))));
    await embedder.dispose();
  });

program.parseAsync().catch((err: Error) => {
  console.error(`tune: ${err.stack ?? err.message}`);
  process.exit(1);
});
