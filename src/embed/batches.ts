import type { Embedder } from './embedder.js';

export type EmbedProgress = (done: number, total: number) => void;

/** Embeds passages (or, with `kind: 'query'`, questions) in fixed-size batches on one embedder. */
export async function embedInBatches(
  embedder: Embedder,
  texts: string[],
  batchSize: number,
  onProgress?: EmbedProgress,
  kind: 'passage' | 'query' = 'passage',
): Promise<number[][]> {
  const out: number[][] = [];
  for (let i = 0; i < texts.length; i += batchSize) {
    const batch = texts.slice(i, i + batchSize);
    out.push(...(await (kind === 'query' ? embedder.embedQueries(batch) : embedder.embedPassages(batch))));
    onProgress?.(out.length, texts.length);
  }
  return out;
}
