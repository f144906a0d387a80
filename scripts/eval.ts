/**
 * npm run eval -- --dataset <dir> [--dataset <dir> ...] [--mode hybrid|dense|lexical]
 *                 [--embedder <id>] [--top-k 100] [--out run.trec] [--abstain] [--index postgres://...]
 * Retrieval quality of each dataset side by side (nDCG@10, Recall@10, Recall@100, MRR@10); with
 * --abstain, the abstention curve of the relevance threshold (needs two datasets or more: each
 * supplies the off-topic questions of the others); with --index, each set's index is published
 * into that PostgreSQL database and ranked from there. The last line is one JSON object.
 */
import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { loadEmbedder, DEFAULT_EMBEDDER } from '../src/embed/load-embedder.js';
import { buildProgress } from './lib/progress.js';
import { abstentionCurve, ask, judgedQuestions } from '../src/eval/abstain.js';
import { evaluate, formatTrecRun, METRIC_NAMES } from '../src/eval/metrics.js';
import { prepareSet, servedFromPostgres, type PreparedSet } from '../src/eval/prepared.js';
import { Database } from '../src/index/postgres/database.js';
import { isPostgresUri, parsePostgresUri } from '../src/index/postgres/location.js';
import { rankQueries } from '../src/eval/run-eval.js';
import { DEFAULT_MIN_RELEVANCE } from '../src/search/relevance.js';
import { resolveFromCwd } from '../src/paths.js';
import type { SearchMode } from '../src/search/searcher.js';
import { positiveInt } from './lib/cli.js';
import { printCurve, THRESHOLDS } from './lib/curve.js';

const MODES = ['hybrid', 'dense', 'lexical'];
/** Results per request in the abstention protocols: the API's default top_k. */
const ABSTAIN_TOP_K = 5;

interface Options {
  dataset: string[];
  mode: SearchMode;
  embedder: string;
  topK: number;
  out?: string;
  abstain?: boolean;
  index?: string;
}

async function printAbstention(sets: PreparedSet[]): Promise<Record<string, unknown>> {
  const report: Record<string, unknown> = {};
  for (const set of sets) {
    const own = judgedQuestions(set);
    const others = sets.filter((s) => s !== set).flatMap((s) => judgedQuestions(s).map((q) => ({ ...q, relevant: new Set<string>() })));
    const curve = abstentionCurve(
      await ask(set, own, ABSTAIN_TOP_K),
      await ask(set, others, ABSTAIN_TOP_K),
      await ask(set, own, ABSTAIN_TOP_K, true),
      [...new Set([...THRESHOLDS, DEFAULT_MIN_RELEVANCE])].sort((a, b) => a - b),
    );
    console.log(
      `\n${set.data.name}: ${own.length} own questions, ${others.length} off-topic (top_k ${ABSTAIN_TOP_K}; default min_relevance ${DEFAULT_MIN_RELEVANCE})`,
    );
    printCurve(curve);
    const chosen = curve.find((p) => p.threshold === DEFAULT_MIN_RELEVANCE)!;
    report[set.data.name] = {
      off_topic_empty: chosen.offTopicEmpty,
      removed_empty: chosen.removedEmpty,
      correct_dropped: chosen.correctDropped,
    };
  }
  return report;
}

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
  .option('--embedder <id>', 'embedder id (env EMBEDDER)', process.env.EMBEDDER ?? DEFAULT_EMBEDDER)
  .option('--top-k <n>', 'documents retrieved per query', positiveInt, 100)
  .option('--out <file>', 'write the run as a TREC run file (one dataset)')
  .option('--abstain', 'also measure abstention: off-topic and answer-removed questions')
  .option('--index <postgres://...>', 'rank from a PostgreSQL copy of each index (collection eval-<dataset>)')
  .action(async (opts: Options) => {
    if (opts.out && opts.dataset.length > 1) throw new InvalidArgumentError('--out takes one dataset');
    if (opts.abstain && opts.dataset.length < 2) throw new InvalidArgumentError('--abstain needs two datasets or more');
    const embedder = await loadEmbedder(opts.embedder);
    if (opts.index && !isPostgresUri(opts.index)) throw new InvalidArgumentError('--index takes a postgres:// URI');
    const db = opts.index ? new Database(parsePostgresUri(opts.index), { timeoutMs: 0 }) : undefined;
    const sets: PreparedSet[] = [];
    const summary: Record<string, unknown>[] = [];
    console.log(`| dataset | queries | ${METRIC_NAMES.join(' | ')} |\n|---|---|${METRIC_NAMES.map(() => '---').join('|')}|`);
    for (const dir of opts.dataset) {
      const bar = buildProgress();
      const prepared = await prepareSet(resolveFromCwd(dir), {
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
      summary.push({ dataset: set.data.name, queries, ...Object.fromEntries(METRIC_NAMES.map((m) => [m, Number(metrics[m].toFixed(4))])) });
    }
    const abstention = opts.abstain ? await printAbstention(sets) : undefined;
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
