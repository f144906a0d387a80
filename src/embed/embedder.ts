/** What every embedding backend offers. Vectors are plain arrays (hnswlib-node wants them so). */

export interface EmbedderInfo {
  /** The id an index manifest records, e.g. `use-lite` or `transformers:Xenova/all-MiniLM-L6-v2`. */
  id: string;
  dimension: number;
  /** Tokens the model actually reads; anything past this is silently dropped by the model. */
  maxTokens: number;
  pooling: 'mean' | 'cls' | 'model';
  normalize: boolean;
  queryPrefix: string;
  passagePrefix: string;
  /** Which weights: `quantized`, `fp32`, or the bundled package version. */
  variant: string;
}

export interface Embedder {
  readonly info: EmbedderInfo;
  /** Tokens the model reads for this passage, prefix and special tokens included. */
  countPassageTokens(text: string): number;
  embedPassages(texts: string[]): Promise<number[][]>;
  embedQueries(texts: string[]): Promise<number[][]>;
  dispose(): Promise<void>;
}
