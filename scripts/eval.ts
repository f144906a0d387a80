/**
 * npm run eval -- --dataset <dir> [--mode hybrid|dense|lexical] [--embedder <id>] [--top-k 100]
 *                 [--out run.trec]
 * Prints nDCG@10, Recall@10, Recall@100 and MRR@10; the last line is one JSON object.
 */
import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { loadEmbedder, DEFAULT_EMBEDDER } from '../src/embed/load-embedder.js';
import { embeddingProgressBar } from '../src/index/progress.js';
import { formatTrecRun, METRIC_NAMES } from '../src/eval/metrics.js';
import { runEval } from '../src/eval/run-eval.js';
import { resolveFromCwd } from '../src/paths.js';
import type { SearchMode } from '../src/search/searcher.js';
import { positiveInt } from './lib/cli.js';

const MODES = ['hybrid', 'dense', 'lexical'];

const program = new Command('eval')
  .description('Retrieval quality on a BEIR-layout dataset, through the product build and Searcher')
  .requiredOption('--dataset <dir>', 'directory with corpus.jsonl(.gz), queries.jsonl, qrels.tsv')
  .option('--mode <mode>', 'hybrid | dense | lexical', (v) => {
    if (!MODES.includes(v)) throw new InvalidArgumentError(`one of ${MODES.join(', ')}`);
    return v;
  }, 'hybrid')
  .option('--embedder <id>', 'embedder id (env EMBEDDER)', process.env.EMBEDDER ?? DEFAULT_EMBEDDER)
  .option('--top-k <n>', 'documents retrieved per query', positiveInt, 100)
  .option('--out <file>', 'write the run as a TREC run file')
  .action(async (opts) => {
    const embedder = await loadEmbedder(opts.embedder);
    const bar = embeddingProgressBar();
    const result = await runEval({
      dataset: resolveFromCwd(opts.dataset),
      embedder,
      mode: opts.mode as SearchMode,
      topK: opts.topK,
      log: (line) => process.stderr.write(`${line}\n`),
      onProgress: bar.onProgress,
    });
    bar.stop();
    if (opts.out) fs.writeFileSync(resolveFromCwd(opts.out), formatTrecRun(result.run, `semsearch-${result.mode}`));
    const rows = METRIC_NAMES.map((m) => `${m.padEnd(11)} ${result.metrics[m].toFixed(4)}`);
    console.log(`${result.dataset}: ${result.queries} judged queries, mode ${result.mode}, embedder ${result.embedder}, ${result.searchSeconds.toFixed(1)} s`);
    console.log(rows.join('\n'));
    const rounded = Object.fromEntries(METRIC_NAMES.map((m) => [m, Number(result.metrics[m].toFixed(4))]));
    console.log(JSON.stringify({ dataset: result.dataset, mode: result.mode, embedder: result.embedder, queries: result.queries, ...rounded }));
    await embedder.dispose();
  });

program.parseAsync().catch((err: Error) => {
  console.error(`eval: ${err.message}`);
  process.exit(1);
});
