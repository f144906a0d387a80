/** Build-time settings that shape an index; all of them are recorded in its manifest. */
import { CHUNK_CONTEXTS, type ChunkContext, type ChunkingSettings } from '../corpus/chunker.js';
import type { AnalyzerSettings } from '../text/analyzer.js';
import { DEFAULT_HNSW, type HnswSettings } from './hnsw.js';
import type { Manifest } from '../index/manifest.js';

export interface BuildSettings {
  /** Window per chunk; defaults to, and may not exceed, what the embedder reads. */
  maxTokens?: number;
  overlapSentences: number;
  context: ChunkContext;
  /** Short neighbouring blocks are merged up to the window (see chunker). */
  minTokens: number;
  analyzer: AnalyzerSettings;
  hnsw: HnswSettings;
}

export const DEFAULT_BUILD_SETTINGS: BuildSettings = {
  overlapSentences: 0,
  context: 'title+section',
  minTokens: 24,
  // Keeping stop words scored +0.002 nDCG@10 on SciFact but put wrong passages first on the news
  // article: removal stays (see docs/evaluation.md).
  analyzer: { stem: true, stopwords: true },
  hnsw: DEFAULT_HNSW,
};

/** What the chunker takes from the build settings, with the window resolved. */
export function chunkingSettings(settings: BuildSettings, maxTokens: number): ChunkingSettings {
  return { maxTokens, overlapSentences: settings.overlapSentences, context: settings.context, minTokens: settings.minTokens };
}

/** The build settings as the manifest records them. */
export function manifestSettings(settings: BuildSettings, maxTokens: number): Pick<Manifest, 'chunking' | 'lexical' | 'hnsw'> {
  return {
    chunking: {
      max_tokens: maxTokens,
      overlap_sentences: settings.overlapSentences,
      min_tokens: settings.minTokens,
      context: settings.context,
    },
    lexical: settings.analyzer,
    hnsw: {
      space: 'cosine',
      m: settings.hnsw.m,
      ef_construction: settings.hnsw.efConstruction,
      ef_search: settings.hnsw.efSearch,
      seed: settings.hnsw.seed,
    },
  };
}

/** Below this a passage is a few words: too little to embed well or to be worth returning. */
export const MIN_WINDOW_TOKENS = 32;
/** Sentences repeated between split chunks; more would repeat most of a 128-token passage. */
export const MAX_OVERLAP_SENTENCES = 8;

export class InvalidBuildSettingsError extends Error {}

/**
 * Refuses settings that would build an index the server cannot load or one that silently drops
 * text (a NaN or negative overlap), before the corpus is read or the index directory touched.
 */
export function checkBuildSettings(settings: BuildSettings, embedderMaxTokens: number): void {
  const problems: string[] = [];
  const { maxTokens, overlapSentences, context, minTokens } = settings;
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens < MIN_WINDOW_TOKENS || maxTokens > embedderMaxTokens)) {
    problems.push(
      `max tokens must be an integer from ${MIN_WINDOW_TOKENS} to ${embedderMaxTokens} (what the embedder reads), not ${maxTokens}`,
    );
  }
  if (!Number.isInteger(overlapSentences) || overlapSentences < 0 || overlapSentences > MAX_OVERLAP_SENTENCES) {
    problems.push(`overlap must be a whole number of sentences from 0 to ${MAX_OVERLAP_SENTENCES}, not ${overlapSentences}`);
  }
  if (!(CHUNK_CONTEXTS as readonly string[]).includes(context))
    problems.push(`context must be one of ${CHUNK_CONTEXTS.join(', ')}, not "${context}"`);
  if (!Number.isInteger(minTokens) || minTokens < 0) problems.push(`min tokens must be a non-negative integer, not ${minTokens}`);
  if (problems.length > 0)
    throw new InvalidBuildSettingsError(`invalid build settings: ${problems.join('; ')}; the index was left as it was`);
}

/** The manifest's HNSW settings as the graph library takes them. */
export function hnswSettings(manifestHnsw: Manifest['hnsw']): HnswSettings {
  return { m: manifestHnsw.m, efConstruction: manifestHnsw.ef_construction, efSearch: manifestHnsw.ef_search, seed: manifestHnsw.seed };
}
