/**
 * npm run calibrate -- --dataset <dir> --dataset <dir> [--embedder <id>]
 * Fits the relevance model (src/search/relevance.ts) for an embedder on two or more labelled sets
 * of different kinds: each set's questions against its own index (relevant passages or not),
 * the other sets' questions against it (off-topic: never relevant) and its questions with their
 * answers removed; each of the top 10 results a row. Prints the coefficients and the abstention curve they give.
 */
import { Command } from 'commander';
import { loadEmbedder, DEFAULT_EMBEDDER } from '../src/embed/load-embedder.js';
import { abstentionCurve, ask, judgedQuestions, type AskedQuestion } from '../src/eval/abstain.js';
import { fitLogistic, type Sample } from '../src/eval/logistic.js';
import { prepareSet } from '../src/eval/prepared.js';
import { FEATURE_NAMES, relevanceOfList, scoreDrop, type RelevanceModel } from '../src/search/relevance.js';
import { resolveFromCwd } from '../src/paths.js';
import { printCurve, THRESHOLDS } from './lib/curve.js';

const TOP_K = 10;

const program = new Command('calibrate')
  .requiredOption('--dataset <dir...>', 'two or more BEIR-layout datasets of different kinds')
  .option('--embedder <id>', 'embedder id', process.env.EMBEDDER ?? DEFAULT_EMBEDDER)
  .action(async (opts: { dataset: string[]; embedder: string }) => {
    if (opts.dataset.length < 2) throw new Error('give at least two datasets: each one supplies the off-topic questions of the others');
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const embedder = await loadEmbedder(opts.embedder);
    const sets = [];
    for (const dir of opts.dataset) sets.push(await prepareSet(resolveFromCwd(dir), { embedder, topK: TOP_K, log }));
    const groups: { name: string; answerable: AskedQuestion[]; offTopic: AskedQuestion[]; removed: AskedQuestion[] }[] = [];
    for (const set of sets) {
      const own = judgedQuestions(set);
      const others = sets.filter((s) => s !== set).flatMap((s) => judgedQuestions(s).map((q) => ({ ...q, relevant: new Set<string>() })));
      groups.push({
        name: set.data.name,
        answerable: await ask(set, own, TOP_K),
        offTopic: await ask(set, others, TOP_K),
        removed: await ask(set, own, TOP_K, true),
      });
      log(`${set.data.name}: asked ${own.length} own, ${others.length} off-topic questions`);
    }
    // Every result a request with top_k 10 would show is a row (relevance is shown on each), and
    // each group of each set weighs the same, whatever its number of questions.
    const samples: Sample[] = [];
    for (const g of groups) {
      for (const asked of [g.answerable, g.offTopic, g.removed]) {
        // The first passage's evidence with each passage's fall below it: the shape of relevanceOfList.
        const rows = asked.flatMap((q) =>
          q.results.map(
            (r, i) =>
              ({
                x: [...FEATURE_NAMES.map((f) => q.results[0]!.features[f]), scoreDrop(r.score, q.results[0]!.score)],
                y: q.relevant[i] ? 1 : 0,
              }) as Sample,
          ),
        );
        for (const row of rows) samples.push({ ...row, weight: 1000 / rows.length });
      }
    }
    const [intercept, ...weights] = fitLogistic(samples);
    const model = {
      intercept: intercept!,
      ...Object.fromEntries(FEATURE_NAMES.map((f, i) => [f, weights[i]!])),
      drop: -weights[FEATURE_NAMES.length]!,
    } as RelevanceModel;
    console.log(`fitted for ${embedder.info.id} on ${samples.length} rows: ${JSON.stringify(model)}`);
    const rescore = (asked: AskedQuestion[]) =>
      asked.map((q) => {
        const relevances = relevanceOfList(
          q.results.map((r) => r.features),
          q.results.map((r) => r.score),
          model,
        );
        return { ...q, results: q.results.map((r, i) => ({ ...r, relevance: relevances[i]! })) };
      });
    for (const g of groups) {
      console.log(`\n${g.name}`);
      printCurve(abstentionCurve(rescore(g.answerable), rescore(g.offTopic), rescore(g.removed), THRESHOLDS));
    }
    await embedder.dispose();
  });

program.parseAsync().catch((err: Error) => {
  console.error(`calibrate: ${err.message}`);
  process.exit(1);
});
