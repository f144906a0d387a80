/**
 * How wide the HNSW walk searches (ef_search), chosen for each index when it is built: the
 * narrowest width, from the settings' own upward, at which the walk finds what an exact scan finds
 * for the index's own questions. One fixed width loses recall as an index grows (100 wide found
 * 0.98 of the true ten at 100,000 passages and 0.94 at a million), and a wider one would cost
 * every small index time for nothing.
 */

/** Share of the exact ten nearest the walk must find, averaged over the questions. */
export const RECALL_TARGET = 0.99;
const K = 10;
/** Each step widens by a quarter; pgvector accepts no more than 1,000. */
const STEP = 1.25;
const MAX_WIDTH = 1000;

export interface NearestProbe {
  walkNearest(vector: readonly number[], k: number, ef: number): number[];
  exactNearest(vector: readonly number[], k: number): number[];
}

/** The next width tried after `ef`: a quarter wider, to a multiple of 5. */
export function widerThan(ef: number): number {
  return Math.min(MAX_WIDTH, Math.ceil((ef * STEP) / 5) * 5);
}

export interface SearchWidth {
  ef: number;
  /** The walk's recall@10 at that width (1 with no question to measure). */
  recall: number;
  questions: number;
}

export function chooseSearchWidth(index: NearestProbe, questions: readonly (readonly number[])[], from: number): SearchWidth {
  if (questions.length === 0) return { ef: from, recall: 1, questions: 0 };
  const truth = questions.map((q) => index.exactNearest(q, K));
  const recallAt = (ef: number) => {
    let found = 0;
    let wanted = 0;
    questions.forEach((q, i) => {
      const exact = new Set(truth[i]);
      wanted += exact.size;
      for (const id of index.walkNearest(q, K, ef)) if (exact.has(id)) found++;
    });
    return wanted ? found / wanted : 1;
  };
  let ef = from;
  let recall = recallAt(ef);
  while (recall < RECALL_TARGET && ef < MAX_WIDTH) {
    ef = widerThan(ef);
    recall = recallAt(ef);
  }
  return { ef, recall, questions: questions.length };
}
