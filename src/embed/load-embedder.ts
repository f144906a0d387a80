import type { Embedder } from './embedder.js';
import { loadUseLite, USE_LITE_ID } from './use-lite.js';
import { loadTransformersEmbedder, TRANSFORMERS_PREFIX } from './transformers.js';

export const DEFAULT_EMBEDDER = USE_LITE_ID;

export class UnknownEmbedderError extends Error {}

/** Loads an embedder by the id an index manifest or a command line names. */
export async function loadEmbedder(id: string): Promise<Embedder> {
  if (id === USE_LITE_ID) return loadUseLite();
  if (id.startsWith(TRANSFORMERS_PREFIX)) return loadTransformersEmbedder(id);
  throw new UnknownEmbedderError(`unknown embedder "${id}": use "${USE_LITE_ID}" or "transformers:<model-id>" (e.g. transformers:Xenova/all-MiniLM-L6-v2)`);
}
