/**
 * npm run tune -- --dataset <dir> [--dataset <dir> ...] [--grid fusion|lexical|hybrid|all]
 * Sweeps ranking settings on every dataset with the product's own Searcher (each index built once,
 * questions embedded once) and prints nDCG@10 per dataset side by side, with the change against
 * the shipped defaults. A setting is worth shipping only where it gains on every dataset (or gains
 * clearly on one and holds the others within 0.002): the last column says which do.
 */
import { Command } from 'commander';
import { loadEmbedder, DEFAULT_EMBEDDER } from '../src/embed/load-embedder.js';
import { evaluate } from '../src/eval/metrics.js';
import { prepareSet, type PreparedSet } from '../src/eval/prepared.js';
import { rankQueries } from '../src/eval/run-eval.js';
import type { SearchMode } from '../src/search/query.js';
import { DEFAULT_RANKING, type RankingSettings } from '../src/search/defaults.js';
import { resolveFromCwd } from '../src/paths.js';
import type { BuildSettings } from '../src/build/settings.js';
import { positiveInt } from './lib/cli.js';
import { scriptSettingsFromEnv } from '../src/config.js';

const settings = scriptSettingsFromEnv();

type Variant = { name: string; mode: SearchMode; ranking: Partial<RankingSettings> };

/** Within this of the shipped figure counts as holding. */
const HOLD = 0.002;

function grid(base: RankingSettings, which: string): Variant[] {
  const out: Variant[] = [{ name: 'shipped hybrid', mode: 'hybrid', ranking: {} }];
  const lexical = (name: string, r: Partial<RankingSettings>) => out.push({ name, mode: 'lexical', ranking: r });
  const hybrid = (name: string, r: Partial<RankingSettings>) => out.push({ name, mode: 'hybrid', ranking: r });
  if (which === 'lexical' || which === 'all') {
    out.push({ name: 'lexical only', mode: 'lexical', ranking: {} });
    for (const k1 of [0.9, 1.2, 1.5])
      for (const b of [0.4, 0.75, 0.9])
        for (const contextWeight of [1, 2]) lexical(`bm25 k1=${k1} b=${b} ctx=${contextWeight}`, { bm25: { k1, b, contextWeight } });
    for (const w of [0.5, 0.75, 0.9]) lexical(`bm25 doc-share=${w}`, { documentLexicalWeight: w });
  }
  if (which === 'fusion' || which === 'all') {
    out.push({ name: 'dense only', mode: 'dense', ranking: {} });
    for (const denseWeight of [0.2, 0.3, 0.4, 0.5, 0.6])
      hybrid(`convex dense=${denseWeight}`, { fusion: { ...base.fusion, method: 'convex', denseWeight } });
    for (const spreadDepth of [10, 20, 50])
      for (const halfAt of [0.06, 0.08, 0.1, 0.12, 0.15])
        hybrid(`spread half-at=${halfAt} depth=${spreadDepth}`, { fusion: { ...base.fusion, method: 'spread', halfAt, spreadDepth } });
    for (const rrfK of [5, 10, 30, 60]) hybrid(`rrf k=${rrfK}`, { fusion: { ...base.fusion, method: 'rrf', rrfK } });
  }
  if (which === 'expansion') {
    for (const senses of [1, 2])
      for (const weight of [0.05, 0.1, 0.15, 0.2, 0.3]) {
        hybrid(`wordnet senses=${senses} weight=${weight}`, { expansion: { weight, senses } });
        lexical(`lexical wordnet senses=${senses} weight=${weight}`, { expansion: { weight, senses } });
      }
    hybrid('no expansion', { expansion: undefined });
    out.push(
      { name: 'lexical only', mode: 'lexical', ranking: {} },
      { name: 'lexical, no expansion', mode: 'lexical', ranking: { expansion: undefined } },
    );
  }
  if (which === 'hybrid') {
    for (const denseWeight of [0.3, 0.4, 0.5])
      for (const documentLexicalWeight of [0.5, 0.75])
        for (const k1 of [0.9, 1.2])
          hybrid(`dense=${denseWeight} lex-doc=${documentLexicalWeight} k1=${k1}`, {
            bm25: { ...base.bm25, k1 },
            documentLexicalWeight,
            fusion: { ...base.fusion, method: 'convex', denseWeight },
          });
  }
  return out;
}

interface Options {
  dataset: string[];
  embedder: string;
  grid: string;
  topK: number;
  build: string;
  base: string;
}

const program = new Command('tune')
  .requiredOption('--dataset <dir...>', 'BEIR-layout datasets (the tuning sets; give several)')
  .option('--embedder <id>', 'embedder id', settings.embedder ?? DEFAULT_EMBEDDER)
  .option('--grid <which>', 'fusion | lexical | hybrid | expansion | all', 'all')
  .option('--top-k <n>', 'documents per query', positiveInt, 100)
  .option('--build <json>', 'build settings of the indexes to tune on, e.g. \'{"overlapSentences":1}\'', '{}')
  .option('--base <json>', 'ranking settings to sweep around, e.g. \'{"documentLexicalWeight":0.75}\'', '{}')
  .action(async (opts: Options) => {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const embedder = await loadEmbedder(opts.embedder);
    const base: RankingSettings = { ...DEFAULT_RANKING, ...(JSON.parse(opts.base) as Partial<RankingSettings>) };
    const sets: PreparedSet[] = [];
    for (const dir of opts.dataset)
      sets.push(
        await prepareSet(resolveFromCwd(dir), {
          embedder,
          topK: opts.topK,
          log,
          ranking: base,
          build: JSON.parse(opts.build) as Partial<BuildSettings>,
        }),
      );
    const rows: { name: string; ndcg: number[] }[] = [];
    for (const v of grid(base, opts.grid)) {
      const ndcg: number[] = [];
      for (const set of sets) {
        const ranking = { ...set.searcher.ranking, ...v.ranking };
        const run = await rankQueries(set.searcher.withRanking(ranking), set.data, v.mode, opts.topK, set.vectors);
        ndcg.push(evaluate(run, set.data.qrels).metrics['ndcg@10']);
      }
      rows.push({ name: v.name, ndcg });
      log(`${v.name}: ${ndcg.map((n) => n.toFixed(4)).join(' ')}`);
    }
    const shipped = rows[0]!.ndcg;
    const verdict = (ndcg: number[]) => {
      const deltas = ndcg.map((n, i) => n - shipped[i]!);
      if (deltas.every((d) => d === 0)) return 'shipped';
      if (deltas.every((d) => d >= -HOLD) && deltas.some((d) => d > HOLD)) return 'gains';
      return deltas.some((d) => d > 0) ? 'mixed' : 'loses';
    };
    rows.sort((a, b) => Math.min(...b.ndcg.map((n, i) => n - shipped[i]!)) - Math.min(...a.ndcg.map((n, i) => n - shipped[i]!)));
    console.log(
      `| setting | ${sets.map((s) => `${s.data.name} nDCG@10 (Δ)`).join(' | ')} | verdict |\n|---|${sets.map(() => '---').join('|')}|---|`,
    );
    for (const r of rows) {
      const cells = r.ndcg.map((n, i) => `${n.toFixed(4)} (${n - shipped[i]! >= 0 ? '+' : ''}${(n - shipped[i]!).toFixed(4)})`);
      console.log(`| ${r.name} | ${cells.join(' | ')} | ${verdict(r.ndcg)} |`);
    }
    console.log(
      JSON.stringify(rows.map((r) => ({ setting: r.name, ...Object.fromEntries(sets.map((s, i) => [s.data.name, r.ndcg[i]])) }))),
    );
    await embedder.dispose();
  });

program.parseAsync().catch((err: Error) => {
  console.error(`tune: ${err.stack ?? err.message}`);
  process.exit(1);
});
