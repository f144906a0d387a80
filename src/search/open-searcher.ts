/**
 * Opening a searcher: the index (a folder, read and verified by the file backend, or any backend)
 * and the embedder it names, loaded in parallel; the embedder checked against the index; a first
 * search to warm the model up; the time each took.
 */
import type { Embedder } from '../embed/embedder.js';
import type { IndexBackend } from '../index/backend.js';
import { FileBackend } from '../index/file-backend.js';
import { IndexLoadError, readManifest, rebuildCommand } from '../index/read-index.js';
import type { RankingSettings } from './defaults.js';
import { Searcher } from './searcher.js';

export type OpenOptions = (
  | { /** Loads the embedder the manifest names. */ loadEmbedder: (id: string) => Promise<Embedder>; embedder?: undefined }
  | { /** An already loaded embedder; must be the one the index was built with. */ embedder: Embedder; loadEmbedder?: undefined }
) & { ranking?: RankingSettings };

const WARM_UP_QUERY = 'warm up the model';

/**
 * Opens an index (a folder, or a backend already opened) and its embedder in parallel; refuses
 * an embedder the index was not built with.
 */
export async function openSearcher(index: string | (() => Promise<IndexBackend>), options: OpenOptions): Promise<Searcher> {
  const started = performance.now();
  // A folder's manifest names the embedder at once: the model loads while the files are read.
  const manifest = typeof index === 'string' && !options.embedder ? readManifest(index) : undefined;
  const named = manifest?.embedder.id;
  const backendPromise = typeof index === 'string' ? FileBackend.open(index, manifest) : index();
  const embedderPromise = options.embedder
    ? Promise.resolve(options.embedder)
    : named
      ? options.loadEmbedder(named)
      : backendPromise.then((b) => options.loadEmbedder(b.manifest.embedder.id));
  backendPromise.catch(() => {}); // reported by the await below
  let embedderReady = 0;
  // The first inferences compile and tier up the model's kernels: done as soon as the model is
  // there, while the index files may still be being read.
  const modelWarm = embedderPromise.then(async (embedder) => {
    embedderReady = performance.now();
    await embedder.embedQueries([WARM_UP_QUERY]);
  });
  modelWarm.catch(() => {}); // reported below, after the index checks
  const backend = await backendPromise;
  const indexLoaded = performance.now();
  try {
    const embedder = await embedderPromise;
    await modelWarm;
    const { manifest } = backend;
    const wanted = manifest.embedder.id;
    const info = embedder.info;
    if (info.id !== wanted || info.dimension !== manifest.embedder.dimension) {
      throw new IndexLoadError(
        'embedder_mismatch',
        `index at ${backend.location} was built with embedder "${wanted}" (${manifest.embedder.dimension}-d) but the server runs "${info.id}" (${info.dimension}-d)`,
        `serve it with embedder "${wanted}", or rebuild it with \`${rebuildCommand(backend.location, ` --embedder ${info.id}`)}\``,
      );
    }
    const searcher = Searcher.over(backend, embedder, options.ranking);
    const beforeWarmUp = performance.now();
    // One search through every step, so that the first request does not pay for compiling them.
    await searcher.search({ query: WARM_UP_QUERY, topK: 1, mode: 'hybrid' });
    const done = performance.now();
    searcher.loadTimings = {
      indexMs: indexLoaded - started,
      embedderMs: (embedderReady || beforeWarmUp) - started,
      warmUpMs: done - beforeWarmUp,
      totalMs: done - started,
    };
    return searcher;
  } catch (err) {
    await backend.close();
    throw err;
  }
}
