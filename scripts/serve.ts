/**
 * npm start [-- --corpus <dir>] [--index <dir>] [--no-build]: brings the index up to date (a no-op
 * when nothing changed), then serves the search API on loopback. PORT picks the port (default 3000).
 */
import { Command } from 'commander';
import { buildIndex } from '../src/build/build-index.js';
import { rememberBuild } from '../src/build/local-builds.js';
import { loadEmbedder, DEFAULT_EMBEDDER } from '../src/embed/load-embedder.js';
import { buildProgress } from './lib/progress.js';
import { configFromEnv, scriptSettingsFromEnv } from '../src/config.js';
import { createService, type Service } from '../src/service.js';
import { SHUTDOWN_DEADLINE_MS, startServer } from '../src/adapters/node-server.js';
import { resolveFromCwd } from '../src/paths.js';
import type { Embedder } from '../src/embed/embedder.js';

const settings = scriptSettingsFromEnv();

/**
 * What to try, from the index being served (a question made of its first document's title), or
 * what is wrong with it and the command that fixes it.
 */
async function banner(service: Service, url: string, where: string): Promise<string> {
  const [loaded] = await service.collections.warm();
  if (loaded!.status === 'rejected') {
    return (
      `  the index at ${where} cannot be served: ${(loaded!.reason as Error).message}\n` +
      `  build one from your documents with \`npm start -- --corpus <folder>\` (or \`npm run build-index -- --corpus <folder> --out ${where}\`); /health says 503 until then`
    );
  }
  const searcher = loaded!.value;
  const title = searcher.index.documents.length > 0 ? searcher.index.documents.get(0).title : '';
  const words = title.split(/\s+/).filter(Boolean).slice(0, 6).join(' ');
  return (
    `  ${searcher.manifest.counts.documents} documents, ${searcher.manifest.counts.chunks} passages\n` +
    `  curl -s '${url}/search?q=${encodeURIComponent(words).replace(/%20/g, '+')}&top_k=3'\n` +
    `  curl -s ${url}/search -H 'content-type: application/json' -d '${JSON.stringify({ query: words, top_k: 3 }).replace(/'/g, "'\\''")}'`
  );
}

const program = new Command('serve')
  .description('Build the index if it is missing or stale, then serve the search API')
  .option('--corpus <path>', 'corpus to index before serving (env CORPUS_DIR)', settings.corpusDir)
  .option('--index <dir>', 'the index folder to serve (env INDEX_DIR; default index/); served as it is unless --corpus is given')
  .option('--no-build', 'serve the index as it is')
  .option('--port <n>', 'port (env PORT)', settings.port)
  .option('--host <address>', 'address to listen on (env HOST)', settings.host)
  .action(async (opts, command: Command) => {
    const env = configFromEnv();
    const config = opts.index ? { ...env, indexDir: resolveFromCwd(opts.index) } : env;
    // An index named on the command line is the user's own: building the sample corpus into it
    // would replace it, so it is built only from a corpus named too.
    const build = opts.build && (!opts.index || command.getOptionValueSource('corpus') !== 'default');
    const loaded = new Map<string, Promise<Embedder>>();
    const sharedLoader = (id: string) => {
      if (!loaded.has(id)) loaded.set(id, loadEmbedder(id));
      return loaded.get(id)!;
    };
    if (build) {
      const bar = buildProgress();
      const report = await buildIndex({
        corpus: resolveFromCwd(opts.corpus),
        out: config.indexDir,
        embedder: await sharedLoader(settings.embedder ?? DEFAULT_EMBEDDER),
        log: (line) => process.stderr.write(`${line}\n`),
        onProgress: bar.onProgress,
      });
      bar.stop();
      rememberBuild(config.indexDir);
      process.stderr.write(
        `index ${report.status}: ${report.manifest.counts.chunks} chunks from ${report.manifest.counts.documents} documents\n`,
      );
    }
    // A rebuild (npm run build-index) is picked up within two seconds, without a restart.
    const service = createService({ config, loadEmbedder: sharedLoader, concurrent: true, watchIndexesMs: 2000 });
    await service.ready;
    const server = await startServer(service, Number(opts.port), opts.host);
    process.stderr.write(
      `serving on ${server.url} (search page at ${server.url}/)\n${await banner(service, server.url, config.indexUri ?? config.indexDir)}\n`,
    );
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) process.exit(1); // a second signal: stop now
      stopping = true;
      process.stderr.write(`${signal}: finishing requests in flight, then stopping (at most ${SHUTDOWN_DEADLINE_MS / 1000} s)\n`);
      await server.close(SHUTDOWN_DEADLINE_MS);
      await service.collections.dispose();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

program.parseAsync().catch((err: Error) => {
  console.error(`serve: ${err.message}`);
  process.exit(1);
});
