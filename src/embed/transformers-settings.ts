/**
 * What a sentence-embedding model needs besides its weights: pooling, normalisation, the window it
 * reads, and the prefixes it was trained with. Taken, in order of precedence, from a
 * `semsearch.json` in the model directory, the sentence-transformers files the model ships
 * (`1_Pooling/config.json`, `sentence_bert_config.json`), known model families, and the config.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface ModelSettings {
  pooling: 'mean' | 'cls';
  normalize: boolean;
  maxTokens: number;
  queryPrefix: string;
  passagePrefix: string;
}

/** Families whose published usage asks for a prefix or CLS pooling. */
const FAMILIES: { pattern: RegExp; settings: Partial<ModelSettings> }[] = [
  { pattern: /(^|\/)(multilingual-)?e5-/i, settings: { pooling: 'mean', queryPrefix: 'query: ', passagePrefix: 'passage: ' } },
  {
    pattern: /(^|\/)bge-[^/]*-en/i,
    settings: { pooling: 'cls', queryPrefix: 'Represent this sentence for searching relevant passages: ' },
  },
  { pattern: /(^|\/)bge-/i, settings: { pooling: 'cls' } },
  { pattern: /nomic-embed-text/i, settings: { pooling: 'mean', queryPrefix: 'search_query: ', passagePrefix: 'search_document: ' } },
  { pattern: /(^|\/)(gte-|all-MiniLM|all-mpnet|paraphrase-|multi-qa-)/i, settings: { pooling: 'mean' } },
];

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const HARD_MAX = 512;

export function resolveModelSettings(modelId: string, modelDir: string): ModelSettings {
  const config = readJson(path.join(modelDir, 'config.json')) ?? {};
  const tokenizerConfig = readJson(path.join(modelDir, 'tokenizer_config.json')) ?? {};
  const sbert = readJson(path.join(modelDir, 'sentence_bert_config.json'));
  const poolingConfig = readJson(path.join(modelDir, '1_Pooling', 'config.json'));
  const overrides = (readJson(path.join(modelDir, 'semsearch.json')) ?? {}) as Partial<Record<string, unknown>>;
  const family = FAMILIES.find((f) => f.pattern.test(modelId))?.settings ?? {};

  const positions = typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : HARD_MAX;
  const tokenizerMax =
    typeof tokenizerConfig.model_max_length === 'number' && tokenizerConfig.model_max_length < 1e6
      ? tokenizerConfig.model_max_length
      : positions;
  const sbertMax = typeof sbert?.max_seq_length === 'number' ? sbert.max_seq_length : undefined;

  let pooling: ModelSettings['pooling'] = family.pooling ?? 'mean';
  if (poolingConfig?.pooling_mode_cls_token === true) pooling = 'cls';
  else if (poolingConfig?.pooling_mode_mean_tokens === true) pooling = 'mean';

  const settings: ModelSettings = {
    pooling,
    normalize: true,
    maxTokens: Math.min(sbertMax ?? tokenizerMax, positions, HARD_MAX),
    queryPrefix: family.queryPrefix ?? '',
    passagePrefix: family.passagePrefix ?? '',
  };
  if (overrides.pooling === 'mean' || overrides.pooling === 'cls') settings.pooling = overrides.pooling;
  if (typeof overrides.normalize === 'boolean') settings.normalize = overrides.normalize;
  if (typeof overrides.max_tokens === 'number') settings.maxTokens = Math.min(overrides.max_tokens, positions);
  if (typeof overrides.query_prefix === 'string') settings.queryPrefix = overrides.query_prefix;
  if (typeof overrides.passage_prefix === 'string') settings.passagePrefix = overrides.passage_prefix;
  return settings;
}
