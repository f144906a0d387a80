/**
 * The indexes one deployment serves, by name. Each is loaded on first use (or eagerly with
 * warm()), once: concurrent first requests share the same load. Collections built with the same
 * embedder share one loaded model.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Embedder } from '../embed/embedder.js';
import { QueryCoalescer } from '../embed/query-coalescer.js';
import { MANIFEST_FILE } from '../index/manifest.js';
import { IndexLoadError } from '../index/read-index.js';
import { Searcher } from './searcher.js';
import type { RankingSettings } from './defaults.js';

export const DEFAULT_COLLECTION = 'default';

export class UnknownCollectionError extends Error {
  constructor(
    readonly collection: string,
    readonly known: string[],
  ) {
    super(`unknown collection "${collection}"; this deployment serves: ${known.join(', ')}`);
  }
}

export interface CollectionsOptions {
  /** name -> index directory (a Map: the name comes from the request) */
  dirs: ReadonlyMap<string, string>;
  loadEmbedder: (id: string) => Promise<Embedder>;
  ranking?: RankingSettings;
  /**
   * Share question-embedding calls between concurrent requests (see query-coalescer.ts). For
   * servers that take many requests at once; a Lambda container takes one at a time, where the
   * wait for company would only add latency.
   */
  coalesceQuestions?: boolean;
}

/** The default index plus every subdirectory of `collectionsDir` that holds a manifest. */
export function discoverCollections(defaultDir: string, collectionsDir?: string): Map<string, string> {
  const dirs = new Map([[DEFAULT_COLLECTION, defaultDir]]);
  if (collectionsDir && fs.existsSync(collectionsDir)) {
    for (const entry of fs.readdirSync(collectionsDir, { withFileTypes: true })) {
      const dir = path.join(collectionsDir, entry.name);
      if (entry.isDirectory() && /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(entry.name) && fs.existsSync(path.join(dir, MANIFEST_FILE))) {
        dirs.set(entry.name, dir);
      }
    }
  }
  return dirs;
}

/**
 * Whatever stopped an index from loading (a model that is not installed, an unknown embedder, the
 * HNSW library refusing its file, a failed warm-up) is reported as the index being unavailable,
 * with its cause: a 503 with a fix for every request, as /health says, not a bare 500.
 */
function asLoadError(err: unknown, dir: string): IndexLoadError {
  if (err instanceof IndexLoadError) return err;
  const cause = err instanceof Error ? err.message : String(err);
  return new IndexLoadError(
    'load_failed',
    `index at ${dir} could not be loaded: ${cause}`,
    'install the embedder its manifest names (`npm run fetch-model -- <model>` for a Transformers.js model) or rebuild the index with `npm run build-index -- --force`',
  );
}

export class Collections {
  private readonly searchers = new Map<string, Promise<Searcher>>();
  private readonly embedders = new Map<string, Promise<Embedder>>();

  constructor(private readonly options: CollectionsOptions) {}

  names(): string[] {
    return [...this.options.dirs.keys()];
  }

  dir(name: string): string | undefined {
    return this.options.dirs.get(name);
  }

  get(name: string = DEFAULT_COLLECTION): Promise<Searcher> {
    const dir = this.options.dirs.get(name);
    if (!dir) return Promise.reject(new UnknownCollectionError(name, this.names()));
    let searcher = this.searchers.get(name);
    if (!searcher) {
      searcher = Searcher.open(dir, { loadEmbedder: (id) => this.embedder(id), ...(this.options.ranking ? { ranking: this.options.ranking } : {}) }).catch(
        (err: unknown) => Promise.reject(asLoadError(err, dir)),
      );
      this.searchers.set(name, searcher);
    }
    return searcher;
  }

  /** Starts loading every collection now (at cold start, outside any request). */
  warm(): Promise<PromiseSettledResult<Searcher>[]> {
    return Promise.allSettled(this.names().map((n) => this.get(n)));
  }

  private embedder(id: string): Promise<Embedder> {
    let embedder = this.embedders.get(id);
    if (!embedder) {
      embedder = this.options.loadEmbedder(id);
      if (this.options.coalesceQuestions) embedder = embedder.then((e) => new QueryCoalescer(e));
      this.embedders.set(id, embedder);
    }
    return embedder;
  }

  async dispose(): Promise<void> {
    for (const e of this.embedders.values()) await (await e.catch(() => undefined))?.dispose();
  }
}
