import type { Embedder } from '../embed/embedder.js';

export type EmbedProgress = (done: number, total: number) => void;

/** Embeds texts in fixed-size batches on one embedder, reporting progress after each batch. */
export async function embedInBatches(
  embedder: Embedder,
  texts: string[],
  batchSize: number,
  onProgress?: EmbedProgress,
): Promise<number[][]> {
  const out: number[][] = [];
  for (let i = 0; i < texts.length; i += batchSize) {
    out.push(...(await embedder.embedPassages(texts.slice(i, i + batchSize))));
    onProgress?.(out.length, texts.length);
  }
  return out;
}
