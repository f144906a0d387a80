/** Wires configuration, collections, logger and app together: the one place adapters start from. */
import path from 'node:path';
import { createApp } from './api/app.js';
import { createSearchApi, type SearchApi } from './api/search-api.js';
import { createDirectSearch, type DirectSearch } from './api/direct-search.js';
import { Auth, type KeyringSource } from './api/auth.js';
import { keyringFromLists, unscopedKey } from './api/keys.js';
import { createLogger, type Logger } from './api/logger.js';
import { configFromEnv, DEFAULT_DATABASE_TIMEOUT_MS, type ServiceConfig } from './config.js';
import { loadEmbedder } from './embed/load-embedder.js';
import type { Embedder } from './embed/embedder.js';
import { Collections, discoverCollections, type RemoteCollection } from './search/collections.js';
import { DEFAULT_COLLECTION_NAME } from './index/names.js';
import { watchedIndex } from './index/local-source.js';
import { lazyS3Source } from './index/s3/lazy-source.js';
import { lazyPostgresSource } from './index/postgres/source.js';
import { storeOf } from './index/location.js';
import type { RemoteIndex } from './index/remote.js';

export interface Service {
  app: ReturnType<typeof createApp>;
  /** The API's operations without HTTP, for the doors that are not HTTP (direct invoke, Bedrock, MCP over stdio). */
  api: SearchApi;
  /** POST /search answered as the app answers it, without the app (the Lambda handler's; see direct-search.ts). */
  directSearch: DirectSearch;
  /** The API keys, when any are configured (a direct invoke that presents one is held to its scope). */
  auth?: Auth;
  collections: Collections;
  logger: Logger;
  /** Settles when every collection has loaded or failed (failures are logged with their fix). */
  ready: Promise<void>;
}

export interface ServiceOptions {
  config?: ServiceConfig;
  logger?: Logger;
  /** Embedder loader (the registry by default); lets a caller hand over a model it already loaded. */
  loadEmbedder?: (id: string) => Promise<Embedder>;
  /** Serving many requests at once (the node server): concurrent questions share model calls. */
  concurrent?: boolean;
  /** Serve a rebuilt index without a restart: check each index's manifest at most this often. */
  watchIndexesMs?: number;
}

function remoteSource(uri: string | { read: () => Promise<string>; label: string }, config: ServiceConfig): RemoteIndex {
  if (typeof uri === 'string' && storeOf(uri) !== 'postgres') return lazyS3Source(uri);
  return lazyPostgresSource(uri, {
    timeoutMs: config.databaseTimeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS,
    ...(config.databasePassword ? { password: config.databasePassword } : {}),
  });
}

/** The keys a request may present: the one unscoped key and the scoped list, whichever are configured. */
function authFrom(config: ServiceConfig): Auth | undefined {
  const sources: KeyringSource[] = [];
  const single = config.apiKey;
  if (single) sources.push(async () => [unscopedKey(await single())]);
  if (config.apiKeys) sources.push(keyringFromLists(config.apiKeys));
  return sources.length ? new Auth(sources) : undefined;
}

export function createService(options: ServiceOptions = {}): Service {
  const config = options.config ?? configFromEnv();
  const logger = options.logger ?? createLogger();
  const dirs = discoverCollections(config.indexDir, config.collectionsDir, (dir, reason) =>
    logger.warn({ msg: 'index folder not served', collection_folder: path.basename(dir), reason }),
  );
  const remote = new Map<string, RemoteCollection>();
  if (options.watchIndexesMs !== undefined)
    for (const [name, dir] of dirs) remote.set(name, { source: watchedIndex(dir), checkEveryMs: options.watchIndexesMs });
  const indexUri = config.indexUriSecret ?? config.indexUri;
  if (indexUri)
    remote.set(DEFAULT_COLLECTION_NAME, { source: remoteSource(indexUri, config), checkEveryMs: (config.indexCheckSeconds ?? 60) * 1000 });
  const collections = new Collections({
    dirs,
    ...(remote.size > 0 ? { remote } : {}),
    onRemoteEvent: (e) =>
      e.change === 'replaced' ? logger.info({ msg: 'index replaced', ...e }) : logger.warn({ msg: 'index check failed', ...e }),
    loadEmbedder: options.loadEmbedder ?? loadEmbedder,
    coalesceQuestions: options.concurrent ?? false,
  });
  const api = createSearchApi(collections);
  const auth = authFrom(config);
  const app = createApp({
    collections,
    api,
    logger,
    ...(auth ? { auth } : {}),
    corsOrigins: config.corsOrigins,
    ...(config.mcp ? { mcp: config.mcp } : {}),
  });
  const directSearch = createDirectSearch({
    api,
    ...(auth ? { auth } : {}),
    names: () => collections.names(),
    logger,
    ...(config.corsOrigins ? { corsOrigins: config.corsOrigins } : {}),
  });
  const ready = collections.warm().then((results) => {
    results.forEach((r, i) => {
      const collection = collections.names()[i];
      if (r.status === 'rejected') logger.error({ msg: 'index failed to load', collection, error: (r.reason as Error).message });
      else {
        const t = r.value.loadTimings;
        logger.info({
          msg: 'index loaded',
          collection,
          model: r.value.model,
          chunks: r.value.manifest.counts.chunks,
          ...(t
            ? {
                load_ms: {
                  index: Math.round(t.indexMs),
                  embedder: Math.round(t.embedderMs),
                  warm_up: Math.round(t.warmUpMs),
                  total: Math.round(t.totalMs),
                },
              }
            : {}),
        });
      }
    });
  });
  return { app, api, directSearch, ...(auth ? { auth } : {}), collections, logger, ready };
}
