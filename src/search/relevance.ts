/**
 * Calibrated relevance: the chance that a passage answers the question, in [0, 1], meant to read
 * the same on every index and with every embedder (unlike the fused score, which is 1 for the
 * best candidate of every question by construction). A logistic model over evidence of the first
 * passage:
 *   - cosine: the question's similarity to it, measured against what the best match of a question
 *     the index cannot answer scores there (index-calibration.ts): embedders and corpora put
 *     cosines on scales of their own, so the raw figure means nothing across them;
 *   - coverage: the idf-weighted share of the question's terms the passage holds (a term the index
 *     never saw weighs most: questions about what the documents never mention score low);
 *   - gap: its cosine minus the best among the question's other nearest passages (an answer stands
 *     out from its neighbourhood; a near miss does not), on the same scale as cosine;
 *   - known: the idf-weighted share of the question's terms the index holds anywhere;
 * and, for every later passage, how far its score falls below the first's (relevanceOfList).
 * Each build fits the coefficients for its own index, starting from a prior fitted on labelled
 * questions (docs/evaluation.md), and stores them in the manifest.
 */
import { cosineScaleFitted } from '../embed/load-embedder.js';

export interface RelevanceFeatures {
  cosine: number;
  coverage: number;
  gap: number;
  known: number;
}

export const FEATURE_NAMES = ['cosine', 'coverage', 'gap', 'known'] as const satisfies readonly (keyof RelevanceFeatures)[];

/** Where an index puts the best cosine of a question it cannot answer: the mean, and the spread. */
export interface CosineScale {
  center: number;
  scale: number;
}

/**
 * Coefficients on standardised evidence: cosine as (cosine - center) / scale, gap as gap / scale.
 * `drop`: how much a passage's log-odds fall when its score falls from the first's to nothing.
 */
export interface RelevanceModel {
  intercept: number;
  cosine: number;
  coverage: number;
  gap: number;
  known: number;
  drop: number;
  cosineScale: CosineScale;
}

/** The evidence as the model reads it: cosine and gap on the index's own scale. */
export function standardised(f: RelevanceFeatures, s: CosineScale): RelevanceFeatures {
  return { ...f, cosine: (f.cosine - s.center) / s.scale, gap: f.gap / s.scale };
}

function logit(f: RelevanceFeatures, m: RelevanceModel): number {
  const x = standardised(f, m.cosineScale);
  return m.intercept + FEATURE_NAMES.reduce((sum, name) => sum + m[name] * x[name], 0);
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
 * The coefficients, fitted by `npm run calibrate` on the labelled questions of SciFact, news-dev
 * and docs-dev, each read on its index's own cosine scale (docs/evaluation.md). Its cosine scale
 * is the three indexes' mean, used for an index built before calibration was stored.
 */
export const PRIOR_MODEL: RelevanceModel = {
  intercept: -6.7485,
  cosine: 1.2285,
  coverage: 2.6813,
  gap: 0.3742,
  known: 3.3262,
  drop: 15.5714,
  cosineScale: { center: 0.2696, scale: 0.2674 },
};

/**
 * The model for an index that carries no calibration of its own (built by an earlier version):
 * the prior, on the bundled encoder's scale; for any other embedder, whose cosines sit on a scale
 * of their own, without the cosine and gap terms, the intercept moved to make up for them.
 */
export function uncalibratedModel(embedderId: string): RelevanceModel {
  return cosineScaleFitted(embedderId) ? PRIOR_MODEL : withoutCosine(PRIOR_MODEL.cosineScale);
}

/**
 * The prior without its cosine and gap terms, for an embedder whose cosines cannot be read on the
 * index: the intercept takes what the cosine of a typical answer (1 on the index's scale) adds.
 */
export function withoutCosine(cosineScale: CosineScale): RelevanceModel {
  return { ...PRIOR_MODEL, cosine: 0, gap: 0, intercept: PRIOR_MODEL.intercept + PRIOR_MODEL.cosine, cosineScale };
}

/**
 * Below this, a passage is not shown. Chosen on the abstention curves of the three evaluation
 * sets as the highest threshold that leaves at most 3% of answerable questions without an answer
 * and drops at most 3% of correct first answers on each (docs/evaluation.md).
 */
export const DEFAULT_MIN_RELEVANCE = 0.05;
