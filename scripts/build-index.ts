/** npm run build-index -- [--corpus <dir|file>] [--out <dir|s3://bucket/prefix|postgres://...>] [--embedder <id>] [--force] */
import path from 'node:path';
import { Command, Option } from 'commander';
import { printable } from '../src/corpus/printable.js';
import { buildIndex, type BuildReport } from '../src/build/build-index.js';
import { DEFAULT_BUILD_SETTINGS, MAX_OVERLAP_SENTENCES, MIN_WINDOW_TOKENS } from '../src/build/settings.js';
import { loadEmbedder, DEFAULT_EMBEDDER } from '../src/embed/load-embedder.js';
import { buildProgress } from './lib/progress.js';
import { DEFAULT_CORPUS_DIR, DEFAULT_INDEX_DIR, resolveFromCwd, resolveFromRoot } from '../src/paths.js';
import { indexS3Client } from '../src/index/s3/client.js';
import { uploadIndex } from '../src/build/publish-s3.js';
import { parseLocation } from '../src/index/location.js';
import { Database } from '../src/index/postgres/database.js';
import { publishToPostgres, storedVectors } from '../src/build/publish-postgres.js';
import { sha256 } from '../src/index/manifest.js';
import { rememberBuild, vectorsFromLocalBuilds } from '../src/build/local-builds.js';
import { CHUNK_CONTEXTS, type ChunkContext } from '../src/corpus/chunker.js';
import { nonNegativeInt, positiveInt } from './lib/cli.js';
import { scriptSettingsFromEnv } from '../src/config.js';

const settings = scriptSettingsFromEnv();

function summary(report: BuildReport): string {
  const d = report.documents;
  const lines = [
    `${report.status === 'unchanged' ? 'unchanged' : 'built'} ${report.out}: ${report.manifest.counts.documents} documents, ${report.chunks.total} chunks, embedder ${report.manifest.embedder.id}`,
    `documents: ${d.added.length} added, ${d.changed.length} changed, ${d.removed.length} removed, ${d.unchanged.length} unchanged`,
    `chunks: ${report.chunks.embedded} embedded, ${report.chunks.reused} reused; ${report.seconds.toFixed(2)} s` +
      (report.stages
        ? ` (${Object.entries(report.stages)
            .map(([stage, s]) => `${stage} ${s.toFixed(1)} s`)
            .join(', ')})`
        : ''),
  ];
  const shown = 20;
  for (const [label, ids] of [
    ['added', d.added],
    ['changed', d.changed],
    ['removed', d.removed],
  ] as const) {
    for (const id of ids.slice(0, shown)) lines.push(`  ${label}: ${printable(id)}`);
    if (ids.length > shown) lines.push(`  ... and ${ids.length - shown} more ${label}`);
  }
  if (report.losses.length > 0)
    lines.push(
      `${report.losses.length} document(s) lost text: their passages hold much less than the file shows (check how it is written, or convert it):`,
      ...report.losses.map((l) => `  ${printable(l.doc)}: ${l.indexed} of ${l.held} characters indexed`),
    );
  if (report.skipped.length > 0)
    lines.push(`skipped ${report.skipped.length} file(s):`, ...report.skipped.map((s) => `  ${printable(s.path)}: ${s.reason}`));
  return lines.join('\n');
}

const program = new Command('build-index')
  .description('Chunk, embed and index a corpus into an index directory')
  .option('--corpus <path>', 'directory or file to index', DEFAULT_CORPUS_DIR)
  .option(
    '--out <dir|s3://bucket/prefix|postgres://...>',
    'index directory to write, or an S3 location or PostgreSQL database to publish to (built locally first)',
    DEFAULT_INDEX_DIR,
  )
  .option('--embedder <id>', 'embedder id (env EMBEDDER)', settings.embedder ?? DEFAULT_EMBEDDER)
  .option('--max-tokens <n>', `chunk window in tokens (${MIN_WINDOW_TOKENS} up to what the embedder reads, its default)`, positiveInt)
  .option('--overlap <n>', `sentences repeated between split chunks (0-${MAX_OVERLAP_SENTENCES})`, nonNegativeInt)
  .addOption(
    new Option('--context <kind>', 'context embedded before each passage').choices(CHUNK_CONTEXTS).default(DEFAULT_BUILD_SETTINGS.context),
  )
  .option('--workers <n>', 'embedding worker threads (default: one per core)', positiveInt)
  .option('--max-file-mb <n>', 'skip files larger than this (JSON Lines is streamed and exempt)', positiveInt)
  .option('--force', 'rebuild even if the corpus and settings are unchanged, and publish every file again')
  .option(
    '--no-reuse',
    "embed every new passage: take no vectors from other local builds or the database (the target's own are still kept)",
  )
  .option('--json', 'print the build report as JSON')
  .action(async (opts) => {
    // An S3 or PostgreSQL target is built in a local folder of its own (kept, so the next build is
    // incremental), then published.
    const target = parseLocation(opts.out);
    const s3 = target.store === 's3' ? target.s3 : undefined;
    const pg = target.store === 'postgres' ? target.postgres : undefined;
    const db = pg ? new Database(pg, { timeoutMs: 0 }) : undefined;
    const out = s3
      ? resolveFromRoot(path.join('.cache', 's3-builds', s3.bucket, s3.prefix || '_root'))
      : pg
        ? resolveFromRoot(path.join('.cache', 'postgres-builds', sha256(pg.label).slice(0, 16)))
        : resolveFromCwd(opts.out);
    const embedder = await loadEmbedder(opts.embedder);
    const bar = buildProgress();
    try {
      const report = await buildIndex({
        corpus: resolveFromCwd(opts.corpus),
        out,
        embedder,
        settings: {
          ...(opts.maxTokens ? { maxTokens: opts.maxTokens } : {}),
          ...(opts.overlap !== undefined ? { overlapSentences: opts.overlap } : {}),
          ...(opts.context ? { context: opts.context as ChunkContext } : {}),
        },
        force: Boolean(opts.force),
        ...(opts.workers ? { workers: opts.workers } : {}),
        ...(opts.maxFileMb ? { load: { maxFileBytes: opts.maxFileMb * 1024 * 1024 } } : {}),
        log: (line) => process.stderr.write(`${line}\n`),
        onProgress: bar.onProgress,
        // Vectors of the passages the target lacks: from any earlier local build of the same
        // embedder, then from the database being published to.
        storedVectors: async (embedderInfo, hashes) => {
          if (opts.reuse === false) return new Map<string, number[]>();
          const found = await vectorsFromLocalBuilds(embedderInfo, hashes, out);
          const rest = hashes.filter((h) => !found.has(h));
          if (db && rest.length > 0) for (const [h, v] of await storedVectors(db, pg!.collection, embedderInfo, rest)) found.set(h, v);
          return found;
        },
      });
      rememberBuild(out);
      bar.stop();
      const publishing = { force: Boolean(opts.force), log: (line: string) => process.stderr.write(`${line}\n`) };
      if (s3) await uploadIndex(out, s3, await indexS3Client(), publishing);
      if (db) await publishToPostgres(out, db, pg!.collection, publishing);
      console.log(
        opts.json ? JSON.stringify({ ...report, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) }) : summary(report),
      );
    } finally {
      await db?.close();
      await embedder.dispose();
    }
  });

program.parseAsync().catch((err: Error) => {
  console.error(`build-index: ${err.message}`);
  process.exit(1);
});
