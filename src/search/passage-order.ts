/**
 * Two levels of evidence for one hybrid candidate pool: documents are ranked by their passages'
 * fused scores, as before, and within a document its passages are put in the order of their own
 * evidence: the share of the question's distinctive words they hold, then their similarity.
 * The fused score is mostly about documents (three quarters of a chunk's lexical score is its
 * document's BM25, and in a single document's candidates min-max normalisation blows small
 * differences up), so it ranked the passage holding the question's words below one that merely
 * repeats the title's (docs/evaluation.md). Each document keeps the scores it had, handed to its
 * passages in the new order: a document's best score, and so every document-level measure, is
 * unchanged.
 */

export interface PassageEvidence {
  id: number;
  doc: number;
  score: number;
  /** Higher is better: the passage's own evidence within its document. */
  key: number;
}

/** New scores, aligned with `items`. */
export function orderWithinDocuments(items: readonly PassageEvidence[]): number[] {
  const byDoc = new Map<number, number[]>();
  items.forEach((item, i) => {
    const list = byDoc.get(item.doc);
    if (list) list.push(i);
    else byDoc.set(item.doc, [i]);
  });
  const out = new Array<number>(items.length);
  for (const members of byDoc.values()) {
    const scores = members.map((i) => items[i]!.score).sort((a, b) => b - a);
    members
      .sort((a, b) => items[b]!.key - items[a]!.key || items[a]!.id - items[b]!.id)
      .forEach((i, rank) => {
        out[i] = scores[rank]!;
      });
  }
  return out;
}
