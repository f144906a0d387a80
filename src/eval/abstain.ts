/**
 * How well relevance tells answerable questions from unanswerable ones, under two protocols:
 *   - off-topic: questions from another set asked of this set's index (nothing can answer them);
 *   - answer removed: each question asked of its own index with its relevant passages left out;
 * against the answerable questions whose correct first passage a threshold would drop.
 * Every question goes through the Searcher's ranking and relevance, as a request with top_k does.
 */
import type { Assessed, Searcher } from '../search/searcher.js';
import { joinChunks } from '../search/joined-text.js';
import { relevanceOfList, type RelevanceModel } from '../search/relevance.js';
import type { PreparedSet } from './prepared.js';

export interface AskedQuestion {
  /** The top results, best first, with their relevance and features. */
  results: Assessed[];
  /** Whether each result's document is judged relevant to the question. */
  relevant: boolean[];
}

/** Results per question in the abstention protocols: the API's default top_k. */
export const LABELLED_TOP_K = 5;

/** A question and its vector, with no judgement attached. */
export interface PlainQuestion {
  text: string;
  vector: number[];
}

export interface Question {
  text: string;
  vector: number[];
  relevant: ReadonlySet<string>;
}

export function judgedQuestions(set: PreparedSet): Question[] {
  return set.judged.map((id, j) => {
    const rels = set.data.qrels.get(id)!;
    return {
      text: set.data.queries.get(id)!,
      vector: set.vectors[j]!,
      relevant: new Set([...rels].filter(([, g]) => g > 0).map(([d]) => d)),
    };
  });
}

/** Asks each question of the set's index in hybrid mode; `withoutAnswers` leaves the relevant documents out. */
export async function ask(set: PreparedSet, questions: Question[], topK: number, withoutAnswers = false): Promise<AskedQuestion[]> {
  const { searcher } = set;
  const asked: AskedQuestion[] = [];
  for (const q of questions) {
    const skipDocument = withoutAnswers ? (doc: number) => q.relevant.has(searcher.index.documents.get(doc).id) : undefined;
    const results = await searcher.ask(q.text, q.vector, topK, skipDocument ? { skipDocument } : {});
    asked.push({ results, relevant: results.map((r) => q.relevant.has(searcher.documentOf(r.id).id)) });
  }
  return asked;
}

/** Each question's passages, each judged by `judge` (the question's position, the passage's document and text). */
export async function askQuestions(
  searcher: Searcher,
  questions: PlainQuestion[],
  judge: (q: number, docId: string, text: string) => boolean,
  topK = LABELLED_TOP_K,
): Promise<AskedQuestion[]> {
  const asked: AskedQuestion[] = [];
  for (const [i, q] of questions.entries()) {
    const results = await searcher.ask(q.text, q.vector, topK);
    asked.push({
      results,
      relevant: results.map((r) => judge(i, searcher.documentOf(r.id).id, joinChunks(r.window.chunks).text)),
    });
  }
  return asked;
}

/** Relevance of asked questions read again through another model (the features do not change). */
export function rescored(asked: AskedQuestion[], model: RelevanceModel): AskedQuestion[] {
  return asked.map((q) => {
    const relevances = relevanceOfList(
      q.results.map((r) => r.features),
      q.results.map((r) => r.score),
      model,
    );
    return { ...q, results: q.results.map((r, i) => ({ ...r, relevance: relevances[i]! })) };
  });
}

export interface CurvePoint {
  threshold: number;
  /** Off-topic questions answered with no result. */
  offTopicEmpty: number;
  /** Questions whose answers were removed, answered with no result. */
  removedEmpty: number;
  /** Answerable questions whose relevant first result the threshold drops. */
  correctDropped: number;
  /** Answerable questions answered with no result at all. */
  answerableEmpty: number;
}

const best = (q: AskedQuestion) => Math.max(0, ...q.results.map((r) => r.relevance));
const share = <T>(items: T[], test: (item: T) => boolean) => (items.length ? items.filter(test).length / items.length : 0);

export function abstentionCurve(
  answerable: AskedQuestion[],
  offTopic: AskedQuestion[],
  removed: AskedQuestion[],
  thresholds: number[],
): CurvePoint[] {
  const correctFirst = answerable.filter((q) => q.relevant[0]);
  return thresholds.map((t) => ({
    threshold: t,
    offTopicEmpty: share(offTopic, (q) => best(q) < t),
    removedEmpty: share(removed, (q) => best(q) < t),
    correctDropped: share(correctFirst, (q) => q.results[0]!.relevance < t),
    answerableEmpty: share(answerable, (q) => best(q) < t),
  }));
}
