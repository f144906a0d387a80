/**
 * IR metrics with trec_eval / BEIR (pytrec_eval) semantics: results sorted by score descending,
 * ties broken by document id descending; gain is the qrel value; discount log2(rank + 1) from rank
 * 1; a document is relevant when its qrel is above 0; averages run over every judged query (a query
 * with no results scores 0).
 */

/** query id -> document id -> relevance */
export type Qrels = Map<string, Map<string, number>>;

export interface ScoredDoc {
  docId: string;
  score: number;
}

/** query id -> retrieved documents (any order; ranked here) */
export type Run = Map<string, ScoredDoc[]>;

export const METRIC_NAMES = ['ndcg@10', 'recall@10', 'recall@100', 'mrr@10'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
export type Metrics = Record<MetricName, number>;

export function trecOrder(docs: ScoredDoc[]): ScoredDoc[] {
  return [...docs].sort((a, b) => b.score - a.score || (a.docId < b.docId ? 1 : a.docId > b.docId ? -1 : 0));
}

export function ndcgAt(ranked: string[], rels: Map<string, number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((doc, i) => {
    const gain = rels.get(doc) ?? 0;
    if (gain > 0) dcg += gain / Math.log2(i + 2);
  });
  const ideal = [...rels.values()]
    .filter((g) => g > 0)
    .sort((a, b) => b - a)
    .slice(0, k);
  const idcg = ideal.reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
  return idcg > 0 ? dcg / idcg : 0;
}

export function recallAt(ranked: string[], rels: Map<string, number>, k: number): number {
  const relevant = [...rels.values()].filter((g) => g > 0).length;
  if (relevant === 0) return 0;
  return ranked.slice(0, k).filter((d) => (rels.get(d) ?? 0) > 0).length / relevant;
}

export function mrrAt(ranked: string[], rels: Map<string, number>, k: number): number {
  const i = ranked.slice(0, k).findIndex((d) => (rels.get(d) ?? 0) > 0);
  return i === -1 ? 0 : 1 / (i + 1);
}

export function perQuery(ranked: string[], rels: Map<string, number>): Metrics {
  return {
    'ndcg@10': ndcgAt(ranked, rels, 10),
    'recall@10': recallAt(ranked, rels, 10),
    'recall@100': recallAt(ranked, rels, 100),
    'mrr@10': mrrAt(ranked, rels, 10),
  };
}

export function evaluate(run: Run, qrels: Qrels): { metrics: Metrics; queries: number } {
  const sums: Metrics = { 'ndcg@10': 0, 'recall@10': 0, 'recall@100': 0, 'mrr@10': 0 };
  let queries = 0;
  for (const [qid, rels] of qrels) {
    if (![...rels.values()].some((g) => g > 0)) continue;
    queries++;
    const ranked = trecOrder(run.get(qid) ?? []).map((d) => d.docId);
    const m = perQuery(ranked, rels);
    for (const name of METRIC_NAMES) sums[name] += m[name];
  }
  const metrics = Object.fromEntries(METRIC_NAMES.map((n) => [n, queries ? sums[n] / queries : 0])) as Metrics;
  return { metrics, queries };
}

/** Chunks of one document collapse to the document's best score. */
export function collapseToDocuments(hits: { docId: string; score: number }[]): ScoredDoc[] {
  const best = new Map<string, number>();
  for (const h of hits) {
    const prev = best.get(h.docId);
    if (prev === undefined || h.score > prev) best.set(h.docId, h.score);
  }
  return [...best].map(([docId, score]) => ({ docId, score }));
}

/** A TREC run file: `qid Q0 docid rank score tag`, one line per retrieved document. */
export function formatTrecRun(run: Run, tag: string): string {
  const lines: string[] = [];
  for (const [qid, docs] of run) {
    trecOrder(docs).forEach((d, i) => {
      lines.push(`${qid} Q0 ${d.docId} ${i + 1} ${d.score.toFixed(6)} ${tag}`);
    });
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}
