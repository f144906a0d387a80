/**
 * What relevance means on one index, learnt from the index itself when it is built, with nothing
 * labelled by hand and for any embedder. Cosines sit on a scale of each embedder's and each
 * corpus's own (the best match of a question nobody could answer scores 0.17 on docs-dev, 0.27
 * on SciFact, 0.37 on news-dev with the same encoder), so the relevance model reads a cosine
 * against two points measured on the index:
 *   - 0: where the best match of a question it cannot answer lands, from a pool of everyday
 *     questions (off-topic-pool.ts) asked of it;
 *   - 1: where the best match of a question it answers lands, from pseudo-questions made from its
 *     own passages (pseudo-questions.ts).
 * The model's coefficients are the prior fitted on labelled questions (relevance.ts). Fitting them
 * again per index on the pseudo-questions (with their documents held out as on-topic unanswerable
 * questions) was measured and kept the fewest good answers (docs/evaluation.md), so only the
 * scale is the index's own. Deterministic for a given seed.
 */
import { embedInBatches } from '../embed/batches.js';
import type { Embedder } from '../embed/embedder.js';
import type { EmbedTexts } from '../embed/query-vector-cache.js';
import type { Manifest } from '../index/manifest.js';
import { OFF_TOPIC_POOL } from './off-topic-pool.js';
import { pseudoQuestion, sampleChunks } from './pseudo-questions.js';
import { mulberry32 } from './random.js';
import { PRIOR_MODEL, withoutCosine, type CosineScale } from './relevance.js';
import type { Assessed, Searcher } from './searcher.js';

/** Part of the corpus fingerprint: an index calibrated by another version is rebuilt (reusing its vectors). */
export const CALIBRATION_VERSION = 4;

export type IndexCalibration = NonNullable<Manifest['calibration']>;

/** Pseudo-questions per index: enough for a stable mean, few enough to cost seconds. */
const PSEUDO_QUESTIONS = 150;
/** Passages per question, as a request with the default top_k gets them. */
const TOP_K = 5;
/** The distance between the scale's two points is never taken as shorter than this. */
const MIN_SCALE = 0.01;

export interface Asked {
  passages: Assessed[];
  /** Whether each passage answers. */
  answers: boolean[];
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** An index's own evidence: the pool's questions and the pseudo-questions, asked of it, and the scale they give. */
export interface CalibrationEvidence {
  offTopic: Asked[];
  answered: Asked[];
  cosineScale: CosineScale;
  /**
   * Whether the embedder tells this index's answers from its off-topic matches: their best cosines
   * lie further apart than the off-topic ones spread. A weak or random model does not, and its
   * cosines are then left out of relevance rather than read as evidence.
   */
  separates: boolean;
}

const topCosines = (asked: Asked[]) => asked.flatMap((q) => (q.passages.length ? [q.passages[0]!.features.cosine] : []));
const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined);

/** Questions embedded 32 at a time (they are short: little padding). */
export const questionBatches =
  (embedder: Embedder): EmbedTexts =>
  (texts) =>
    embedInBatches(embedder, [...texts], 32, undefined, 'query');

async function askAll(
  searcher: Searcher,
  texts: readonly string[],
  judge: (i: number, p: Assessed) => boolean,
  embed: EmbedTexts = questionBatches(searcher.embedder),
): Promise<Asked[]> {
  const vectors = await embed(texts);
  const asked: Asked[] = [];
  for (const [i, text] of texts.entries()) {
    const passages = await searcher.ask(text, vectors[i]!, TOP_K);
    asked.push({ passages, answers: passages.map((p) => judge(i, p)) });
  }
  return asked;
}

/** `embedPool`: how the off-topic pool is embedded (the same questions for every index: a cache may answer). */
export async function gatherEvidence(searcher: Searcher, seed: string, embedPool?: EmbedTexts): Promise<CalibrationEvidence> {
  const random = mulberry32(seedOf(seed));
  const { index } = searcher;
  const offTopic = await askAll(searcher, OFF_TOPIC_POOL, () => false, embedPool);
  const chunkIds = sampleChunks(index.docOf.length, PSEUDO_QUESTIONS, random);
  const records = await index.chunks(chunkIds);
  const made = chunkIds.flatMap((chunk, i) => {
    const text = pseudoQuestion(records[i]!.text, random);
    return text ? [{ text, chunk }] : [];
  });
  const answered = await askAll(
    searcher,
    made.map((q) => q.text),
    (i, p) => p.window.first <= made[i]!.chunk && made[i]!.chunk <= p.window.last,
  );
  const off = topCosines(offTopic);
  const zero = mean(off) ?? PRIOR_MODEL.cosineScale.center;
  const one = mean(topCosines(answered));
  const spread = Math.sqrt(mean(off.map((c) => (c - zero) ** 2)) ?? 0);
  return {
    offTopic,
    answered,
    cosineScale: { center: zero, scale: Math.max(MIN_SCALE, one === undefined ? spread : one - zero) },
    separates: one !== undefined && one - zero >= spread,
  };
}

export async function calibrateIndex(
  searcher: Searcher,
  seed: string,
  log: (line: string) => void = () => {},
  embedPool?: EmbedTexts,
): Promise<IndexCalibration> {
  const started = performance.now();
  const evidence = await gatherEvidence(searcher, seed, embedPool);
  const seconds = (performance.now() - started) / 1000;
  const questions = { pseudo: evidence.answered.length, off_topic: evidence.offTopic.length };
  const { center, scale } = evidence.cosineScale;
  log(
    `build: calibrated relevance in ${seconds.toFixed(1)} s: ${questions.off_topic} off-topic questions' best cosine ${center.toFixed(3)}, ${questions.pseudo} pseudo-questions' ${(center + scale).toFixed(3)}${evidence.separates ? '' : ' (too close to tell apart: relevance leaves cosines out)'}`,
  );
  return {
    version: CALIBRATION_VERSION,
    relevance: evidence.separates ? { ...PRIOR_MODEL, cosineScale: evidence.cosineScale } : withoutCosine(evidence.cosineScale),
    questions,
    seconds: Math.round(seconds * 100) / 100,
  };
}
