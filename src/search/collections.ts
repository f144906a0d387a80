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
import { COLLECTION_NAME, DEFAULT_COLLECTION_NAME } from '../index/names.js';
import { IndexLoadError, StaleIndexError } from '../index/read-index.js';
import type { FetchedIndex, RemoteIndex } from '../index/remote.js';
import type { IndexBackend } from '../index/backend.js';
import type { Searcher } from './searcher.js';
import type { RankingSettings } from './defaults.js';
import { openSearcher } from './open-searcher.js';

export class UnknownCollectionError extends Error {
  constructor(
    readonly collection: string,
    readonly known: string[],
  ) {
    super(`unknown collection "${collection}"; this deployment serves: ${known.join(', ')}`);
  }
}

export interface RemoteCollection {
  source: RemoteIndex;
  /** How often a request may trigger a check for a new manifest (a conditional GET). */
  checkEveryMs: number;
}

interface RemoteState {
  searcher?: Promise<Searcher>;
  /** What `searcher` resolved to, once it has: a request that found it stale compares against it. */
  current?: Searcher | undefined;
  etag?: string;
  failed: boolean;
  checkedAt: number;
  checking: boolean;
}

export interface CollectionsOptions {
  /** name -> index directory (a Map: the name comes from the request) */
  dirs: ReadonlyMap<string, string>;
  /** name -> an index in S3, served instead of a directory. */
  remote?: ReadonlyMap<string, RemoteCollection>;
  /** Told when a remote index was replaced by a newer one, or a check failed. */
  onRemoteEvent?: (event: { collection: string; uri: string; change: 'replaced' | 'check_failed'; detail: string }) => void;
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
/**
 * The default index and every index folder under `collectionsDir`. A folder holding an index under
 * a name a request cannot spell (`my.docs`, `a b`, `-x`) is not served, and `skipped` says so.
 */
export function discoverCollections(
  defaultDir: string,
  collectionsDir?: string,
  skipped: (dir: string, reason: string) => void = () => {},
): Map<string, string> {
  const dirs = new Map([[DEFAULT_COLLECTION_NAME, defaultDir]]);
  if (collectionsDir && fs.existsSync(collectionsDir)) {
    for (const entry of fs.readdirSync(collectionsDir, { withFileTypes: true })) {
      const dir = path.join(collectionsDir, entry.name);
      if (!entry.isDirectory() || !fs.existsSync(path.join(dir, MANIFEST_FILE))) continue;
      if (COLLECTION_NAME.test(entry.name)) dirs.set(entry.name, dir);
      else
        skipped(
          dir,
          `"${entry.name.slice(0, 80)}" is not a collection name (1-64 letters, digits, "_" or "-", starting with a letter or digit): rename the folder to serve it`,
        );
    }
  }
  return dirs;
}

/**
 * Whatever stopped an index from loading (a model that is not installed, an unknown embedder, the
 * HNSW library refusing its file, a failed warm-up) is reported as the index being unavailable,
 * with its cause: a 503 with a fix for every request, as /health says, not a bare 500.
 */
function asLoadError(err: unknown, where: string): IndexLoadError {
  if (err instanceof IndexLoadError) return err;
  const cause = err instanceof Error ? err.message : String(err);
  return new IndexLoadError(
    'load_failed',
    `index at ${where} could not be loaded: ${cause}`,
    'install the embedder its manifest names (`npm run fetch-model -- <model>` for a Transformers.js model) or rebuild the index with `npm run build-index -- --force`',
  );
}

/** A fetched index as Searcher.open takes it: a folder to read, or a backend to open. */
function indexOf(fetched: FetchedIndex): string | (() => Promise<IndexBackend>) {
  return 'dir' in fetched ? fetched.dir : fetched.open;
}

export class Collections {
  private readonly searchers = new Map<string, Promise<Searcher>>();
  private readonly remoteState = new Map<string, RemoteState>();
  private readonly embedders = new Map<string, Promise<Embedder>>();

  constructor(private readonly options: CollectionsOptions) {}

  names(): string[] {
    return [...new Set([...this.options.dirs.keys(), ...(this.options.remote?.keys() ?? [])])];
  }

  dir(name: string): string | undefined {
    return this.options.dirs.get(name);
  }

  get(name: string = DEFAULT_COLLECTION_NAME): Promise<Searcher> {
    const remote = this.options.remote?.get(name);
    if (remote) return this.remoteSearcher(name, remote);
    const dir = this.options.dirs.get(name);
    if (!dir) return Promise.reject(new UnknownCollectionError(name, this.names()));
    let searcher = this.searchers.get(name);
    if (!searcher) {
      searcher = this.open(dir);
      this.searchers.set(name, searcher);
    }
    return searcher;
  }

  /**
   * Runs `work` with the collection's searcher. When the index turns out to be gone from under it
   * (a database generation dropped by two newer publishes), the collection is reopened at its
   * current version at once and `work` runs once more there, instead of failing until the next
   * scheduled check.
   */
  async use<T>(name: string, work: (searcher: Searcher) => Promise<T>): Promise<T> {
    const searcher = await this.get(name);
    try {
      return await work(searcher);
    } catch (err) {
      if (!(err instanceof StaleIndexError)) throw err;
      return work(await this.reopen(name, searcher));
    }
  }

  /** The collection's searcher after `stale` failed: a new load, shared by every request that saw the same one fail. */
  private reopen(name: string, stale: Searcher): Promise<Searcher> {
    const remote = this.options.remote?.get(name);
    const state = this.remoteState.get(name);
    if (!remote || !state) return this.get(name);
    if (state.current === stale) {
      this.load(remote, state);
      void stale.index.close().catch(() => {});
    }
    return state.searcher!;
  }

  private open(index: string | (() => Promise<IndexBackend>), where: string = String(index)): Promise<Searcher> {
    return openSearcher(index, {
      loadEmbedder: (id) => this.embedder(id),
      ...(this.options.ranking ? { ranking: this.options.ranking } : {}),
    }).catch((err: unknown) => Promise.reject(asLoadError(err, where)));
  }

  /**
   * The searcher of an index in S3: downloaded on first use; afterwards, at most once per
   * `checkEveryMs`, a request starts a check for a new manifest in the background and keeps being
   * answered by the current index until the new one is downloaded, verified and loaded. A failed
   * first load is retried at the next check instead of being kept forever.
   */
  private remoteSearcher(name: string, remote: RemoteCollection): Promise<Searcher> {
    let state = this.remoteState.get(name);
    if (!state) {
      state = { failed: false, checkedAt: 0, checking: false };
      this.remoteState.set(name, state);
    }
    const due = Date.now() - state.checkedAt >= remote.checkEveryMs;
    if (!state.searcher || (state.failed && due)) return this.load(remote, state);
    if (due && !state.checking) void this.refresh(name, remote, state);
    return state.searcher;
  }

  /** Fetches and opens the collection's current index, as every request's from now on. */
  private load(remote: RemoteCollection, state: RemoteState): Promise<Searcher> {
    state.checkedAt = Date.now();
    state.failed = false;
    state.current = undefined;
    const searcher = remote.source.fetch().then((fetched) => {
      state.etag = fetched!.etag;
      return this.open(indexOf(fetched!), remote.source.uri);
    });
    state.searcher = searcher;
    searcher.then(
      (s) => {
        if (state.searcher === searcher) state.current = s;
      },
      () => {
        if (state.searcher === searcher) state.failed = true;
      },
    );
    return searcher;
  }

  private async refresh(name: string, remote: RemoteCollection, state: RemoteState): Promise<void> {
    state.checking = true;
    state.checkedAt = Date.now();
    try {
      const fetched = await remote.source.fetch(state.etag);
      if (!fetched) return;
      const searcher = await this.open(indexOf(fetched), remote.source.uri);
      const replaced = state.searcher;
      state.searcher = Promise.resolve(searcher); // requests from now on; those in flight finish on the old one
      state.current = searcher;
      state.etag = fetched.etag;
      if ('dir' in fetched) remote.source.prune(fetched.dir);
      else void replaced?.then((old) => old.index.close()).catch(() => {});
      this.options.onRemoteEvent?.({
        collection: name,
        uri: remote.source.uri,
        change: 'replaced',
        detail: `now ${searcher.manifest.counts.chunks} chunks built ${searcher.manifest.built_at}`,
      });
    } catch (err) {
      this.options.onRemoteEvent?.({ collection: name, uri: remote.source.uri, change: 'check_failed', detail: (err as Error).message });
    } finally {
      state.checking = false;
    }
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
