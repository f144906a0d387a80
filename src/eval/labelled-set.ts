/**
 * Any labelled set, BEIR or docs layout, asked the three ways abstention is measured and relevance
 * calibrated: its answerable questions, its unanswerable ones (BEIR: its questions with their
 * relevant documents left out; docs: its on-topic unanswerable questions) and questions from
 * elsewhere (off-topic: nothing answers them). Each question gets the passages a request with the
 * default top_k gets, as the product ranks them.
 */
import type { Embedder } from '../embed/embedder.js';
import type { CosineScale } from '../search/relevance.js';
import type { Searcher } from '../search/searcher.js';
import { ask, askQuestions, judgedQuestions, LABELLED_TOP_K, type AskedQuestion, type PlainQuestion } from './abstain.js';
import { answerMatches, isDocsSet, type DocsQuestion } from './docs-set.js';
import { prepareDocsSet } from './docs-run.js';
import { prepareSet, type PreparedSet } from './prepared.js';

export interface LabelledSet {
  name: string;
  searcher: Searcher;
  /** Every question of the set, for asking of other sets' indexes. */
  questions: PlainQuestion[];
  cosineScale?: CosineScale;
  askOwn(): Promise<AskedQuestion[]>;
  askUnanswerable(): Promise<AskedQuestion[]>;
  askForeign(questions: PlainQuestion[]): Promise<AskedQuestion[]>;
}

/** A BEIR-layout set already prepared (and perhaps served from elsewhere). */
export function beirSet(set: PreparedSet): LabelledSet {
  const own = judgedQuestions(set);
  return {
    name: set.data.name,
    searcher: set.searcher,
    questions: own.map((q) => ({ text: q.text, vector: q.vector })),
    askOwn: () => ask(set, own, LABELLED_TOP_K),
    askUnanswerable: () => ask(set, own, LABELLED_TOP_K, true),
    askForeign: (questions) => askQuestions(set.searcher, questions, () => false),
  };
}

/** A docs-layout set: its searcher, its questions and their vectors. */
export function docsSet(name: string, searcher: Searcher, questions: DocsQuestion[], vectors: number[][]): LabelledSet {
  const plain = questions.map((q, i) => ({ text: q.q, vector: vectors[i]! }));
  const of = (kind: DocsQuestion['kind']) => questions.flatMap((q, i) => (q.kind === kind ? [{ q, plain: plain[i]! }] : []));
  return {
    name,
    searcher,
    questions: plain,
    askOwn: () => {
      const answerable = of('answerable');
      return askQuestions(
        searcher,
        answerable.map((a) => a.plain),
        (i, docId, text) => answerMatches(answerable[i]!.q, { docId, text }),
      );
    },
    askUnanswerable: () =>
      askQuestions(
        searcher,
        of('on-topic-unanswerable').map((a) => a.plain),
        () => false,
      ),
    askForeign: (foreign) => askQuestions(searcher, foreign, () => false),
  };
}

/** A set made ready: its index built (or reused), its questions embedded. */
export async function labelledSet(dir: string, embedder: Embedder, log?: (line: string) => void): Promise<LabelledSet> {
  if (isDocsSet(dir)) {
    const prepared = await prepareDocsSet(dir, { embedder, ...(log ? { log } : {}) });
    const vectors = await embedder.embedQueries(prepared.set.questions.map((q) => q.q));
    return docsSet(prepared.set.name, prepared.searcher, prepared.set.questions, vectors);
  }
  return beirSet(await prepareSet(dir, { embedder, topK: 100, ...(log ? { log } : {}) }));
}
