/**
 * An evaluation set of raw documents and person-worded questions (the docs-dev layout: `docs/`
 * holding the files as a user has them, `questions.jsonl` with each question's document and short
 * exact substrings of its answer). Scored through the whole path: the folder is built like any
 * user's corpus and every question is asked as a request is. A returned passage answers when it
 * comes from the question's document and holds one of the expected substrings, both sides
 * normalised the same way (answerMatches).
 */
import fs from 'node:fs';
import path from 'node:path';

export type QuestionKind = 'answerable' | 'on-topic-unanswerable' | 'off-topic';

export interface DocsQuestion {
  id: string;
  q: string;
  /** Relative to `docs/`; '' for off-topic questions. */
  doc: string;
  expect: string[];
  kind: QuestionKind;
  form: string;
}

export interface DocsSet {
  name: string;
  dir: string;
  /** The folder built as the corpus. */
  corpus: string;
  questions: DocsQuestion[];
}

const KINDS: readonly QuestionKind[] = ['answerable', 'on-topic-unanswerable', 'off-topic'];

/** Whether a folder has the docs layout (rather than BEIR's). */
export function isDocsSet(dir: string): boolean {
  return (
    fs.existsSync(path.join(dir, 'questions.jsonl')) &&
    fs.statSync(path.join(dir, 'docs'), { throwIfNoEntry: false })?.isDirectory() === true
  );
}

function parseQuestion(line: string, where: string): DocsQuestion {
  const raw = JSON.parse(line) as Partial<DocsQuestion>;
  const { id, q, doc, expect, kind, form } = raw;
  if (typeof id !== 'string' || typeof q !== 'string' || typeof doc !== 'string' || !Array.isArray(expect) || !KINDS.includes(kind!)) {
    throw new Error(`${where}: a question needs id, q, doc, expect[] and kind (${KINDS.join(', ')})`);
  }
  if (kind === 'answerable' && (expect.length === 0 || !doc)) throw new Error(`${where}: an answerable question needs doc and expect`);
  return { id, q, doc, expect: expect.map(String), kind: kind!, form: typeof form === 'string' ? form : 'other' };
}

export function loadDocsSet(dir: string): DocsSet {
  const file = path.join(dir, 'questions.jsonl');
  const questions = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, i) => (line.trim() ? [parseQuestion(line, `${file}:${i + 1}`)] : []));
  return { name: path.basename(path.resolve(dir)), dir, corpus: path.join(dir, 'docs'), questions };
}

/** Typographic quotes, dashes and minus signs as their ASCII forms (after NFKC). */
const FOLDS: [RegExp, string][] = [
  [/[\u2018\u2019\u201A\u201B\u2032\u0060\u00B4]/g, "'"],
  [/[\u201C\u201D\u201E\u201F\u2033]/g, '"'],
  [/[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g, '-'],
  [/\u00AD/g, ''],
];

/** The comparison form of a passage or an expected answer: NFKC, ASCII quotes and dashes, one space, lower case. */
export function matchForm(text: string): string {
  let out = text.normalize('NFKC');
  for (const [pattern, to] of FOLDS) out = out.replace(pattern, to);
  return out.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Whether a returned passage answers the question. */
export function answerMatches(question: DocsQuestion, passage: { docId: string; text: string }): boolean {
  if (passage.docId !== question.doc) return false;
  const text = matchForm(passage.text);
  return question.expect.some((e) => text.includes(matchForm(e)));
}

export interface AskedDocsQuestion {
  question: DocsQuestion;
  /** The top passages with no threshold, best first: their relevance and whether each answers. */
  results: { relevance: number; answers: boolean }[];
}

/** Rank (from 1) of the first answering passage among those a threshold keeps; 0 when none. */
export function answerRank(asked: AskedDocsQuestion, minRelevance: number): number {
  let rank = 0;
  for (const r of asked.results) {
    if (r.relevance < minRelevance) continue;
    rank++;
    if (r.answers) return rank;
  }
  return 0;
}

const answeredWithNothing = (asked: AskedDocsQuestion, minRelevance: number) => !asked.results.some((r) => r.relevance >= minRelevance);
const bestRelevance = (asked: AskedDocsQuestion) => Math.max(0, ...asked.results.map((r) => r.relevance));

export interface RateSummary {
  questions: number;
  'answer@1': number;
  'answer@3': number;
  'answer@5': number;
  'mrr@5': number;
}

function rates(ranks: number[]): RateSummary {
  const n = ranks.length || 1;
  const within = (k: number) => ranks.filter((r) => r > 0 && r <= k).length / n;
  return {
    questions: ranks.length,
    'answer@1': within(1),
    'answer@3': within(3),
    'answer@5': within(5),
    'mrr@5': ranks.reduce((s, r) => s + (r > 0 && r <= 5 ? 1 / r : 0), 0) / n,
  };
}

export interface DocsReport {
  minRelevance: number;
  /** At minRelevance. */
  answerable: RateSummary;
  /** Ranking alone (no threshold). */
  ranking: RateSummary;
  answerableEmpty: number;
  unanswerableEmpty: number;
  offTopicEmpty: number;
  /** At minRelevance, by question form and by document format (the folder under docs/). */
  byForm: Record<string, RateSummary>;
  byFormat: Record<string, RateSummary>;
  /** Mean best relevance per kind of question. */
  meanBestRelevance: Record<QuestionKind, number>;
}

function groupRates(asked: AskedDocsQuestion[], key: (q: DocsQuestion) => string, minRelevance: number): Record<string, RateSummary> {
  const groups = new Map<string, number[]>();
  for (const a of asked) {
    const k = key(a.question);
    groups.set(k, [...(groups.get(k) ?? []), answerRank(a, minRelevance)]);
  }
  return Object.fromEntries([...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, ranks]) => [k, rates(ranks)]));
}

export function docsReport(asked: AskedDocsQuestion[], minRelevance: number): DocsReport {
  const of = (kind: QuestionKind) => asked.filter((a) => a.question.kind === kind);
  const answerable = of('answerable');
  const emptyShare = (list: AskedDocsQuestion[]) =>
    list.length ? list.filter((a) => answeredWithNothing(a, minRelevance)).length / list.length : 0;
  const meanBest = (list: AskedDocsQuestion[]) => (list.length ? list.reduce((s, a) => s + bestRelevance(a), 0) / list.length : 0);
  return {
    minRelevance,
    answerable: rates(answerable.map((a) => answerRank(a, minRelevance))),
    ranking: rates(answerable.map((a) => answerRank(a, 0))),
    answerableEmpty: emptyShare(answerable),
    unanswerableEmpty: emptyShare(of('on-topic-unanswerable')),
    offTopicEmpty: emptyShare(of('off-topic')),
    byForm: groupRates(answerable, (q) => q.form, minRelevance),
    byFormat: groupRates(answerable, (q) => q.doc.split('/')[0] ?? '', minRelevance),
    meanBestRelevance: {
      answerable: meanBest(answerable),
      'on-topic-unanswerable': meanBest(of('on-topic-unanswerable')),
      'off-topic': meanBest(of('off-topic')),
    },
  };
}
