/**
 * A question made ready for ranking, before its vector is known: its analysed terms, synonyms and
 * shorter forms the index holds (expansion), their postings, and the chunks its filter allows.
 * Asked of the index while the question is embedded: from a database, the postings arrive while
 * the model runs.
 */
import type { IndexBackend } from '../index/backend.js';
import type { QueryPostings, SparseScores } from '../index/lexical.js';
import type { LexicalIndex } from './bm25f.js';
import type { RankingSettings } from './defaults.js';
import { expandQuestion } from './expansion.js';
import { compileFilter, type ChunkMask } from './filter.js';
import { prefixForms } from './prefix-forms.js';
import type { SearchQuery } from './query.js';

/** A question made ready for ranking: its terms, their postings and the filter's mask. */
export interface Prepared {
  terms: string[];
  /** Terms added by expansion, with their weight (the question's own weigh 1). */
  expansion?: ReadonlyMap<string, number>;
  /** The synonyms added for each of the question's own terms (coverage credits them in part). */
  alternatives?: ReadonlyMap<string, string[]>;
  postings: QueryPostings;
  mask?: ChunkMask;
  /**
   * The question's nearest passages as last searched, best first: a later need for fewer of them
   * (the relevance neighbourhood after the hybrid pool) takes the first ones instead of searching
   * the graph again.
   */
  nearest?: SparseScores;
}

/** The question's terms, their postings from the index, and which chunks its filter allows. */
export async function prepareQuestion(
  q: Pick<SearchQuery, 'query' | 'filter'>,
  lexical: LexicalIndex,
  index: IndexBackend,
  settings: RankingSettings['expansion'],
): Promise<Prepared> {
  const terms = lexical.analyzeQuestion(q.query);
  const mask = compileFilter(q.filter, index.documents, index.docOf.length);
  const expansion = settings ? expandQuestion(q.query, terms, settings, (t) => lexical.analyze(t)) : undefined;
  if (mask?.count === 0) return { terms, postings: new Map(), mask };
  const postings = new Map(await index.postings([...new Set([...terms, ...(expansion?.weights.keys() ?? [])])]));
  if (expansion) {
    // An unknown word's shorter form the index holds stands for it, as a synonym does.
    const unknown = new Map([...new Set(terms)].filter((t) => !postings.has(t)).map((t) => [t, prefixForms(t)] as const));
    const forms = unknown.size ? await index.postings([...new Set([...unknown.values()].flat())]) : new Map();
    for (const [term, candidates] of unknown) {
      const form = candidates.find((f) => forms.has(f));
      if (!form) continue;
      postings.set(form, forms.get(form)!);
      if (!terms.includes(form)) expansion.weights.set(form, settings!.weight);
      expansion.alternatives.set(term, [...(expansion.alternatives.get(term) ?? []), form]);
    }
  }
  return {
    terms,
    postings,
    ...(mask ? { mask } : {}),
    ...(expansion?.weights.size ? { expansion: expansion.weights, alternatives: expansion.alternatives } : {}),
  };
}
