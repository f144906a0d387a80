/**
 * npm run calibrate -- --dataset <dir> --dataset <dir> [...] [--embedder <id>]
 * Fits the prior relevance model (PRIOR_MODEL in src/search/relevance.ts), from which every build
 * fits its own, on labelled sets of different kinds (BEIR layout or docs layout): on each set's
 * index, its own answerable questions (a passage is a row, labelled by whether it answers), the
 * other sets' questions (off-topic: never). Cosine and gap are read on each index's own scale
 * (index-calibration.ts). Each group of each set weighs the same. Prints the coefficients and the
 * abstention curves they give, unanswerable questions (BEIR: with their answers left out; docs:
 * on-topic unanswerable) included.
 */
import { Command } from 'commander';
import { loadEmbedder, DEFAULT_EMBEDDER } from '../src/embed/load-embedder.js';
import { abstentionCurve, rescored, type AskedQuestion } from '../src/eval/abstain.js';
import { fitLogistic, type Sample } from '../src/eval/logistic.js';
import { FEATURE_NAMES, scoreDrop, standardised, type CosineScale, type RelevanceModel } from '../src/search/relevance.js';
import { gatherEvidence, type Asked } from '../src/search/index-calibration.js';
import { resolveFromCwd } from '../src/paths.js';
import { printCurve, THRESHOLDS } from './lib/curve.js';
import { labelledSet, type LabelledSet } from '../src/eval/labelled-set.js';
import { scriptSettingsFromEnv } from '../src/config.js';

const settings = scriptSettingsFromEnv();

/** Rows in the shape relevanceOfList reads: the first passage's evidence and each passage's fall below it. */
function rows(asked: Asked[], scale: CosineScale, weight: number): Sample[] {
  const all = asked.flatMap((q) => {
    if (q.passages.length === 0) return [];
    const first = standardised(q.passages[0]!.features, scale);
    return q.passages.map((p, i) => ({
      x: [...FEATURE_NAMES.map((f) => first[f]), -scoreDrop(p.score, q.passages[0]!.score)],
      y: q.answers[i] ? 1 : 0,
    }));
  });
  return all.map((r) => ({ ...r, y: r.y as 0 | 1, weight: weight / Math.max(1, all.length) }));
}

const program = new Command('calibrate')
  .requiredOption('--dataset <dir...>', 'two or more labelled sets (BEIR or docs layout) of different kinds')
  .option('--embedder <id>', 'embedder id', settings.embedder ?? DEFAULT_EMBEDDER)
  .action(async (opts: { dataset: string[]; embedder: string }) => {
    if (opts.dataset.length < 2) throw new Error('give at least two datasets: each one supplies the off-topic questions of the others');
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const embedder = await loadEmbedder(opts.embedder);
    const sets: LabelledSet[] = [];
    for (const dir of opts.dataset) sets.push(await labelledSet(resolveFromCwd(dir), embedder, log));
    const groups: { name: string; answerable: AskedQuestion[]; offTopic: AskedQuestion[]; removed: AskedQuestion[] }[] = [];
    const samples = [];
    for (const set of sets) {
      const { cosineScale } = await gatherEvidence(set.searcher, set.searcher.manifest.corpus.fingerprint);
      const others = sets.filter((s) => s !== set).flatMap((s) => s.questions);
      const group = {
        name: set.name,
        answerable: await set.askOwn(),
        offTopic: await set.askForeign(others),
        removed: await set.askUnanswerable(),
      };
      groups.push(group);
      log(`${set.name}: cosine scale ${cosineScale.center.toFixed(3)} ± ${cosineScale.scale.toFixed(3)}`);
      // Unanswerable on-topic questions are left out of the fit: taking them in kept fewer good
      // answers on every set for the off-topic questions it refused (docs/evaluation.md).
      for (const asked of [group.answerable, group.offTopic])
        samples.push(
          ...rows(
            asked.map((q) => ({ passages: q.results, answers: q.relevant })),
            cosineScale,
            1000,
          ),
        );
      set.cosineScale = cosineScale;
    }
    const [intercept, ...weights] = fitLogistic(samples);
    const fitted = (cosineScale: RelevanceModel['cosineScale']): RelevanceModel => ({
      intercept: intercept!,
      ...(Object.fromEntries(FEATURE_NAMES.map((f, i) => [f, weights[i]!])) as Record<(typeof FEATURE_NAMES)[number], number>),
      drop: weights[FEATURE_NAMES.length]!,
      cosineScale,
    });
    const mean = (k: 'center' | 'scale') => sets.reduce((s, x) => s + x.cosineScale![k], 0) / sets.length;
    console.log(`fitted for ${embedder.info.id} on ${samples.length} rows:`);
    console.log(JSON.stringify(fitted({ center: mean('center'), scale: mean('scale') })));
    for (const [i, g] of groups.entries()) {
      const model = fitted(sets[i]!.cosineScale!);
      const rescore = (asked: AskedQuestion[]) => rescored(asked, model);
      console.log(`\n${g.name}`);
      printCurve(abstentionCurve(rescore(g.answerable), rescore(g.offTopic), rescore(g.removed), THRESHOLDS));
    }
    await embedder.dispose();
  });

program.parseAsync().catch((err: Error) => {
  console.error(`calibrate: ${err.message}`);
  process.exit(1);
});
