/**
 * npm run eval -- --dataset <dir> [--dataset <dir> ...] [--mode hybrid|dense|lexical]
 *                 [--embedder <id>] [--top-k 100] [--out run.trec] [--abstain] [--index postgres://...]
 * Retrieval quality of each dataset side by side. BEIR-layout sets: nDCG@10, Recall@10,
 * Recall@100, MRR@10 over documents. Docs-layout sets (a folder of raw documents and
 * questions.jsonl): built from the raw files and asked as requests are, answer@1/@3/@5 and MRR@5
 * of the passage that holds the answer, at the default min_relevance and with none, and how often
 * each kind of question is answered with nothing. With --abstain, the abstention curve of the
 * relevance threshold (each set supplies off-topic questions to the others); with --index, each
 * BEIR set's index is published into that PostgreSQL database and ranked from there. The last line
 * is one JSON object.
 */
import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { loadEmbedder, DEFAULT_EMBEDDER } from '../src/embed/load-embedder.js';
import { buildProgress } from './lib/progress.js';
import { abstentionCurve, LABELLED_TOP_K, rescored } from '../src/eval/abstain.js';
import { evaluate, formatTrecRun, METRIC_NAMES } from '../src/eval/metrics.js';
import { prepareSet, servedFromPostgres, type PreparedSet } from '../src/eval/prepared.js';
import { Database } from '../src/index/postgres/database.js';
import { parseLocation } from '../src/index/location.js';
import { rankQueries } from '../src/eval/run-eval.js';
import { docsReport, isDocsSet, type DocsReport, type RateSummary } from '../src/eval/docs-set.js';
import { beirSet, docsSet, type LabelledSet } from '../src/eval/labelled-set.js';
import { askDocsSet, prepareDocsSet } from '../src/eval/docs-run.js';
import { DEFAULT_MIN_RELEVANCE, uncalibratedModel } from '../src/search/relevance.js';
import { resolveFromCwd } from '../src/paths.js';
import type { SearchMode } from '../src/search/query.js';
import { positiveInt } from './lib/cli.js';
import { printCurve, THRESHOLDS } from './lib/curve.js';
import { scriptSettingsFromEnv } from '../src/config.js';

const settings = scriptSettingsFromEnv();

const MODES = ['hybrid', 'dense', 'lexical'];

interface Options {
  dataset: string[];
  mode: SearchMode;
  embedder: string;
  topK: number;
  out?: string;
  abstain?: boolean;
  index?: string;
}

const thresholds = () => [...new Set([...THRESHOLDS, DEFAULT_MIN_RELEVANCE])].sort((a, b) => a - b);

/**
 * The abstention curve of every set, with each index's own calibration and, for comparison, with
 * the one fixed model an index without calibration gets.
 */
async function printAbstention(sets: LabelledSet[]): Promise<Record<string, unknown>> {
  const report: Record<string, unknown> = {};
  for (const set of sets) {
    const others = sets.filter((s) => s !== set).flatMap((s) => s.questions);
    const own = await set.askOwn();
    const foreign = await set.askForeign(others);
    const unanswerable = await set.askUnanswerable();
    const model = set.searcher.relevanceModel;
    const fixed = uncalibratedModel(set.searcher.manifest.embedder.id);
    for (const [label, m] of [
      ['calibrated for this index', model],
      ['fixed model (an index without calibration)', fixed],
    ] as const) {
      const curve = abstentionCurve(rescored(own, m), rescored(foreign, m), rescored(unanswerable, m), thresholds());
      console.log(
        `\n${set.name}, ${label}: ${own.length} answerable, ${unanswerable.length} unanswerable on-topic (the "answer removed" column), ${foreign.length} off-topic (top_k ${LABELLED_TOP_K}; default min_relevance ${DEFAULT_MIN_RELEVANCE})`,
      );
      printCurve(curve);
      if (m !== model) continue;
      const chosen = curve.find((p) => p.threshold === DEFAULT_MIN_RELEVANCE)!;
      report[set.name] = {
        off_topic_empty: chosen.offTopicEmpty,
        removed_empty: chosen.removedEmpty,
        correct_dropped: chosen.correctDropped,
        answerable_empty: chosen.answerableEmpty,
      };
    }
  }
  return report;
}

const pct = (v: number) => (100 * v).toFixed(1);
const rateCells = (r: RateSummary) =>
  `${r['answer@1'].toFixed(3)} | ${r['answer@3'].toFixed(3)} | ${r['answer@5'].toFixed(3)} | ${r['mrr@5'].toFixed(3)}`;

function printDocsReport(name: string, r: DocsReport): void {
  console.log(`\n${name}: ${r.answerable.questions} answerable questions, whole path (top_k 5, min_relevance ${r.minRelevance})`);
  console.log('| | answer@1 | answer@3 | answer@5 | MRR@5 |\n|---|---|---|---|---|');
  console.log(`| default threshold | ${rateCells(r.answerable)} |`);
  console.log(`| ranking alone (min_relevance 0) | ${rateCells(r.ranking)} |`);
  console.log(
    `answered with nothing: answerable ${pct(r.answerableEmpty)}%, on-topic unanswerable ${pct(r.unanswerableEmpty)}%, off-topic ${pct(r.offTopicEmpty)}%`,
  );
  const best = r.meanBestRelevance;
  console.log(
    `mean best relevance: answerable ${best.answerable.toFixed(3)}, on-topic unanswerable ${best['on-topic-unanswerable'].toFixed(3)}, off-topic ${best['off-topic'].toFixed(3)}`,
  );
  for (const [label, groups] of [
    ['form', r.byForm],
    ['format', r.byFormat],
  ] as const) {
    console.log(`| ${label} | questions | answer@1 | answer@3 | answer@5 | MRR@5 |\n|---|---|---|---|---|---|`);
    for (const [k, g] of Object.entries(groups)) console.log(`| ${k} | ${g.questions} | ${rateCells(g)} |`);
  }
}

const round = (v: number) => Number(v.toFixed(4));
const roundRates = (r: RateSummary) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)]));

const program = new Command('eval')
  .description('Retrieval quality on BEIR-layout datasets, through the product build and Searcher')
  .requiredOption('--dataset <dir...>', 'directories with corpus.jsonl(.gz), queries.jsonl, qrels.tsv')
  .option(
    '--mode <mode>',
    'hybrid | dense | lexical',
    (v) => {
      if (!MODES.includes(v)) throw new InvalidArgumentError(`one of ${MODES.join(', ')}`);
      return v;
    },
    'hybrid',
  )
  .option('--embedder <id>', 'embedder id (env EMBEDDER)', settings.embedder ?? DEFAULT_EMBEDDER)
  .option('--top-k <n>', 'documents retrieved per query', positiveInt, 100)
  .option('--out <file>', 'write the run as a TREC run file (one dataset)')
  .option('--abstain', 'also measure abstention: off-topic and answer-removed questions')
  .option('--index <postgres://...>', 'rank from a PostgreSQL copy of each index (collection eval-<dataset>)')
  .action(async (opts: Options) => {
    if (opts.out && opts.dataset.length > 1) throw new InvalidArgumentError('--out takes one dataset');
    const dirs = opts.dataset.map((d) => resolveFromCwd(d));
    const docsDirs = dirs.filter(isDocsSet);
    const beirDirs = dirs.filter((d) => !isDocsSet(d));
    if (opts.abstain && docsDirs.length === 0 && beirDirs.length < 2)
      throw new InvalidArgumentError('--abstain needs two BEIR datasets or more, or a docs-layout set');
    if (opts.out && docsDirs.length > 0) throw new InvalidArgumentError('--out takes a BEIR-layout dataset');
    const embedder = await loadEmbedder(opts.embedder);
    const target = opts.index ? parseLocation(opts.index) : undefined;
    if (target && target.store !== 'postgres') throw new InvalidArgumentError('--index takes a postgres:// URI');
    const db = target?.store === 'postgres' ? new Database(target.postgres, { timeoutMs: 0 }) : undefined;
    const sets: PreparedSet[] = [];
    const summary: Record<string, unknown>[] = [];
    if (beirDirs.length > 0)
      console.log(`| dataset | queries | ${METRIC_NAMES.join(' | ')} |\n|---|---|${METRIC_NAMES.map(() => '---').join('|')}|`);
    for (const dir of beirDirs) {
      const bar = buildProgress();
      const prepared = await prepareSet(dir, {
        embedder,
        topK: opts.topK,
        log: (line) => process.stderr.write(`${line}\n`),
        onProgress: bar.onProgress,
      });
      bar.stop();
      const set = db ? await servedFromPostgres(prepared, db) : prepared;
      sets.push(set);
      const run = await rankQueries(set.searcher, set.data, opts.mode, opts.topK, set.vectors);
      const { metrics, queries } = evaluate(run, set.data.qrels);
      if (opts.out) fs.writeFileSync(resolveFromCwd(opts.out), formatTrecRun(run, `semsearch-${opts.mode}`));
      console.log(`| ${set.data.name} | ${queries} | ${METRIC_NAMES.map((m) => metrics[m].toFixed(4)).join(' | ')} |`);
      summary.push({ dataset: set.data.name, queries, ...Object.fromEntries(METRIC_NAMES.map((m) => [m, round(metrics[m])])) });
    }
    const labelled: LabelledSet[] = sets.map(beirSet);
    for (const dir of docsDirs) {
      const bar = buildProgress();
      const prepared = await prepareDocsSet(dir, {
        embedder,
        log: (line) => process.stderr.write(`${line}\n`),
        onProgress: bar.onProgress,
      });
      bar.stop();
      // Embedded once, for the report and for the abstention curve.
      const vectors = await embedder.embedQueries(prepared.set.questions.map((q) => q.q));
      const asked = await askDocsSet(prepared.searcher, prepared.set, vectors);
      labelled.push(docsSet(prepared.set.name, prepared.searcher, prepared.set.questions, vectors));
      const r = docsReport(asked, DEFAULT_MIN_RELEVANCE);
      printDocsReport(prepared.set.name, r);
      summary.push({
        dataset: prepared.set.name,
        answerable: roundRates(r.answerable),
        ranking: roundRates(r.ranking),
        answerable_empty: round(r.answerableEmpty),
        unanswerable_empty: round(r.unanswerableEmpty),
        off_topic_empty: round(r.offTopicEmpty),
        answer1_by_form: Object.fromEntries(Object.entries(r.byForm).map(([k, g]) => [k, round(g['answer@1'])])),
        answer1_by_format: Object.fromEntries(Object.entries(r.byFormat).map(([k, g]) => [k, round(g['answer@1'])])),
      });
    }
    const abstention = opts.abstain ? await printAbstention(labelled) : undefined;
    console.log(
      JSON.stringify({
        mode: opts.mode,
        embedder: embedder.info.id,
        ...(db ? { index: db.label } : {}),
        datasets: summary,
        ...(abstention ? { abstention } : {}),
      }),
    );
    await db?.close();
    await embedder.dispose();
  });

program.parseAsync().catch((err: Error) => {
  console.error(`eval: ${err.message}`);
  process.exit(1);
});
