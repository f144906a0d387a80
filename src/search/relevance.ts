/**
 * Calibrated relevance: the probability-like chance that a passage answers the question, in
 * [0, 1], meaning the same across questions and indexes (unlike the fused score, which is 1 for
 * the best candidate of every question by construction). A logistic model over evidence that does
 * not depend on the size or the vocabulary of the index:
 *   - cosine: the question's similarity to the passage under the index's embedder;
 *   - coverage: the idf-weighted share of the question's terms found in the passage (a term the
 *     index never saw weighs most: questions about what the documents never mention score low);
 *   - gap: the passage's cosine minus the best cosine among the question's other nearest
 *     passages (an answer stands out from its neighbourhood; a near miss does not).
 * Coefficients are fitted per embedder on labelled questions (`npm run calibrate`); see
 * docs/evaluation.md for the data and the curve the default threshold was chosen on.
 */

export interface RelevanceFeatures {
  cosine: number;
  coverage: number;
  gap: number;
}

/**
 * The logistic model of the first passage's evidence, and `drop`: how much a passage's chance
 * falls for each unit its score falls below the first's, as a share of the first's.
 */
export type RelevanceModel = RelevanceFeatures & { intercept: number; drop: number };

export const FEATURE_NAMES = ['cosine', 'coverage', 'gap'] as const satisfies readonly (keyof RelevanceFeatures)[];

/**
 * Fitted by `npm run calibrate` on SciFact and news-dev (the top 10 results of every question, of
 * every question asked of the other set's index, and of every question with its answers removed;
 * each of the six groups weighing the same). See docs/evaluation.md.
 */
const MODELS = new Map<string, RelevanceModel>([
  ['use-lite', { intercept: -6.4173, cosine: 3.9333, coverage: 5.5386, gap: 2.7903, drop: 3 }],
]);

/**
 * For an embedder without a fit, whose cosines sit on another scale: the bundled fit without its
 * cosine term, the intercept moved by that term's mean (0.55 cosine on the results it was fitted
 * on). Rougher; fit the embedder with `npm run calibrate` and register it above.
 */
const UNCALIBRATED: RelevanceModel = { intercept: -4.254, cosine: 0, coverage: 5.5386, gap: 2.7903, drop: 3 };

export function relevanceModelFor(embedderId: string): RelevanceModel {
  return MODELS.get(embedderId) ?? UNCALIBRATED;
}

function logit(f: RelevanceFeatures, m: RelevanceModel): number {
  return m.intercept + FEATURE_NAMES.reduce((sum, name) => sum + m[name] * f[name], 0);
}

/** The chance that a first passage with this evidence answers. */
export function relevance(f: RelevanceFeatures, m: RelevanceModel): number {
  return 1 / (1 + Math.exp(-logit(f, m)));
}

/** How far a score falls below the best one, as a share of it, in [0, 1]. */
export function scoreDrop(score: number, best: number): number {
  if (!(best > 0)) return score >= best ? 0 : 1;
  return Math.min(1, Math.max(0, 1 - score / best));
}

/**
 * The relevance of each of a list of ranked passages, best first: the first passage's evidence
 * says whether the documents answer the question at all; each later passage's chance is that one
 * lowered by how far its score falls below the first's. The figure shown therefore follows the
 * order shown (it never rises down the list), and a threshold keeps the top of the list.
 */
export function relevanceOfList(features: readonly RelevanceFeatures[], scores: readonly number[], m: RelevanceModel): number[] {
  if (features.length === 0) return [];
  const top = logit(features[0]!, m);
  return scores.map((s) => 1 / (1 + Math.exp(-(top - m.drop * scoreDrop(s, scores[0]!)))));
}

/**
 * Below this, a passage is not shown. Chosen on the abstention curves of both evaluation sets as
 * the highest threshold that drops at most 5% of correct first answers on each (docs/evaluation.md).
 */
export const DEFAULT_MIN_RELEVANCE = 0.05;
