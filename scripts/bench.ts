/**
 * npm run bench: cold start, warm latency (handler, question embedding, search alone, the
 * LangChain.js peer), index load, memory and build throughput for the default corpus and a large
 * one (the SciFact corpus, chunked), then a scale run at 100,000 chunks (and 1,000,000 with
 * --million). Every ratio is against a baseline measured in the same run. Prints a table, then one
 * JSON line.
 *   --questions <n>   warm questions per corpus (default 300)
 *   --skip-large --skip-build --skip-scale --million
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { bundle } from './bundle.js';
import { measureColdStart, type ColdStart } from './bench/cold-start.js';
import { measureWarm, type Warm } from './bench/warm.js';
import { measureBuild, packageReadmes, sampleCorpus, type BuildBench } from './bench/build.js';
import { measureScale, type ScaleBench } from './bench/scale.js';
import { round } from './bench/stats.js';
import { loadUseLite } from '../src/embed/use-lite.js';
import { buildIndex } from '../src/build/build-index.js';
import { loadBeir } from '../src/eval/beir.js';
import { prepareEvalIndex } from '../src/eval/run-eval.js';
import { DEFAULT_CORPUS_DIR, PROJECT_ROOT } from '../src/paths.js';

const SCIFACT = path.join(PROJECT_ROOT, '..', 'shared', 'eval', 'scifact');

/** A stated S3-to-Lambda download rate for the sizing row (one stream; parallel ranged reads go faster). */
const S3_MB_PER_S = 80;

/** A Lambda size setting that holds `mb` with a quarter to spare, in 64 MB steps. */
function lambdaSize(mb: number): number {
  return Math.ceil((mb * 1.25) / 64) * 64;
}

interface CorpusResult {
  corpus: string;
  chunks: number;
  cold: ColdStart;
  warm: Warm;
  build?: BuildBench;
}

const program = new Command('bench')
  .option('--dataset <dir>', 'BEIR dataset for the large corpus and the questions', SCIFACT)
  .option('--questions <n>', 'warm questions per corpus', (v) => Number(v), 300)
  .option('--cold-runs <n>', 'cold starts per corpus', (v) => Number(v), 5)
  .option('--build-docs <n>', 'documents of the large corpus in the build measurement', (v) => Number(v), 500)
  .option('--scale-chunks <n>', 'chunks in the scale run', (v) => Number(v), 100_000)
  .option('--million', 'a second scale run at 1,000,000 chunks (about an hour and 16 GB of memory)')
  .option('--skip-large', 'only the default corpus')
  .option('--skip-build', 'no build measurements')
  .option('--skip-scale', 'no scale run')
  .action(async (opts) => {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const bundlePath = await bundle();
    const embedder = await loadUseLite();
    const stockEmbed = (texts: string[]) => embedder.reference.embed(texts);
    const data = await loadBeir(opts.dataset);
    const questions = [...data.queries.values()].slice(0, opts.questions);

    const defaultIndex = fs.mkdtempSync(path.join(os.tmpdir(), 'semsearch-bench-default-'));
    await buildIndex({ corpus: DEFAULT_CORPUS_DIR, out: defaultIndex, embedder });
    const corpora: { name: string; index: string; corpus: string }[] = [
      { name: 'default (seed article)', index: defaultIndex, corpus: DEFAULT_CORPUS_DIR },
    ];
    if (!opts.skipLarge) {
      log('large corpus: preparing the SciFact index (cached after the first run)');
      corpora.push({
        name: `${data.name} (${data.queries.size} queries' corpus)`,
        index: await prepareEvalIndex(data, { embedder, log }),
        corpus: data.corpus,
      });
    }

    const results: CorpusResult[] = [];
    for (const c of corpora) {
      log(`${c.name}: cold start`);
      const cold = await measureColdStart(bundlePath, c.index, questions[0]!, opts.coldRuns);
      log(`${c.name}: warm latency over ${questions.length} questions`);
      const warm = await measureWarm(c.index, embedder, stockEmbed, questions);
      const manifest = JSON.parse(fs.readFileSync(path.join(c.index, 'manifest.json'), 'utf8')) as { counts: { chunks: number } };
      let build: BuildBench | undefined;
      if (!opts.skipBuild) {
        log(`${c.name}: build throughput`);
        const corpus = c.corpus === DEFAULT_CORPUS_DIR ? c.corpus : sampleCorpus(c.corpus, opts.buildDocs);
        build = await measureBuild(corpus, embedder);
      }
      results.push({ corpus: c.name, chunks: manifest.counts.chunks, cold, warm, ...(build ? { build } : {}) });
    }

    let mixed: BuildBench | undefined;
    if (!opts.skipBuild) {
      log('mixed documents: build throughput on 40 installed package READMEs');
      const readmes = packageReadmes(40);
      try {
        mixed = await measureBuild(readmes, embedder);
      } finally {
        fs.rmSync(readmes, { recursive: true, force: true });
      }
    }

    const scales: ScaleBench[] = [];
    if (!opts.skipScale && !opts.skipLarge) {
      for (const chunks of [opts.scaleChunks as number, ...(opts.million ? [1_000_000] : [])]) {
        log(`scale run: ${chunks} chunks grown from the SciFact index`);
        scales.push(await measureScale(corpora[1]!.index, chunks, questions, bundlePath));
      }
    }

    const f = (x: number, d = 1) => x.toFixed(d);
    const lines: string[] = [];
    lines.push(
      `| measure | ${results.map((r) => `${r.corpus}, ${r.chunks} chunks`).join(' | ')} |`,
      `|---|${results.map(() => '---').join('|')}|`,
    );
    const row = (name: string, cell: (r: CorpusResult) => string) => lines.push(`| ${name} | ${results.map(cell).join(' | ')} |`);
    row('cold start to first answer, median ms (p95)', (r) => `${f(r.cold.totalMs.p50, 0)} (${f(r.cold.totalMs.p95, 0)})`);
    row('  of which import + model + index load, ms', (r) => f(r.cold.importAndLoadMs.p50, 0));
    row(
      '  load breakdown ms: index / embedder / warm-up',
      (r) => `${r.cold.loadMs.index} / ${r.cold.loadMs.embedder} / ${r.cold.loadMs.warm_up}`,
    );
    row('  first answer, ms', (r) => f(r.cold.firstAnswerMs.p50));
    row('RSS after first answer, MB', (r) => f(r.cold.rssMb, 0));
    row(
      'warm handler p50 / p95 / p99, ms',
      (r) => `${f(r.warm.handlerMs.p50, 2)} / ${f(r.warm.handlerMs.p95, 2)} / ${f(r.warm.handlerMs.p99, 2)}`,
    );
    row('question embedding alone p50, ms', (r) => f(r.warm.embedMs.p50, 2));
    row("  same with the model package's embed(), p50 ms", (r) => f(r.warm.stockEmbedMs.p50, 2));
    row('search alone p50 / p95, ms', (r) => `${f(r.warm.searchMs.p50, 3)} / ${f(r.warm.searchMs.p95, 3)}`);
    row('LangChain.js HNSWLib peer p50, ms', (r) => f(r.warm.peerMs.p50, 2));
    row('handler p50 / embedding p50', (r) => f(r.warm.handlerMs.p50 / r.warm.embedMs.p50, 3));
    row('handler p50 / peer p50', (r) => f(r.warm.handlerMs.p50 / r.warm.peerMs.p50, 3));
    row('index load (in process), ms', (r) => f(r.warm.indexLoadMs, 0));
    if (!opts.skipBuild) {
      row('build: chunks embedded, seconds', (r) => (r.build ? `${r.build.chunks}, ${f(r.build.seconds, 1)}` : '-'));
      row('build throughput, chunks/s', (r) => (r.build ? f(r.build.chunksPerSecond) : '-'));
      row('one-at-a-time embedding loop, chunks/s', (r) => (r.build ? f(r.build.loopChunksPerSecond) : '-'));
      row('build / loop', (r) => (r.build ? f(r.build.ratio, 2) : '-'));
      row('build peak RSS, MB', (r) => (r.build ? String(r.build.peakRssMb) : '-'));
    }
    console.log(lines.join('\n'));
    if (mixed) {
      const stages = mixed.stages
        ? ` (${Object.entries(mixed.stages)
            .map(([k, v]) => `${k} ${f(v)} s`)
            .join(', ')})`
        : '';
      console.log(
        `\nbuild, mixed documents (40 package READMEs): ${mixed.chunks} chunks in ${f(mixed.seconds)} s${stages}; ` +
          `${f(mixed.chunksPerSecond)} chunks/s, ${f(mixed.ratio, 2)} times the one-at-a-time loop (${f(mixed.loopChunksPerSecond)}/s); peak RSS ${mixed.peakRssMb} MB`,
      );
    }
    if (scales.length) {
      const srow = (name: string, cell: (s: ScaleBench) => string) => console.log(`| ${name} | ${scales.map(cell).join(' | ')} |`);
      console.log(`\n| scale run | ${scales.map((s) => `${s.chunks} chunks`).join(' | ')} |\n|---|${scales.map(() => '---').join('|')}|`);
      srow('written in (embeddings given), s', (s) => f(s.buildSeconds));
      srow('index size on disk, MB', (s) => f(s.diskMb));
      srow('load (verify, parse, graph, model), median of 3 fresh processes, ms', (s) => f(s.loadMs, 0));
      srow('  the first of them, right after the index was written, ms', (s) => f(s.firstLoadMs, 0));
      srow('RSS after load, MB (index share)', (s) => `${f(s.rssMbAfterLoad, 0)} (${f(s.rssMbIndex, 0)})`);
      srow(
        'bundled handler, fresh process: init load (index / model / warm-up), median of 3, ms',
        (s) =>
          `${f(s.coldStart.loadMs.total, 0)} (${f(s.coldStart.loadMs.index, 0)} / ${f(s.coldStart.loadMs.embedder, 0)} / ${f(s.coldStart.loadMs.warm_up, 0)})`,
      );
      srow(
        '  import + load, p50 ms; first answer ms; RSS after it, MB',
        (s) => `${f(s.coldStart.importAndLoadMs.p50, 0)}; ${f(s.coldStart.firstAnswerMs.p50, 1)}; ${f(s.coldStart.rssMb, 0)}`,
      );
      srow('dense search p50 / p95, ms', (s) => `${f(s.denseMs.p50, 2)} / ${f(s.denseMs.p95, 2)}`);
      srow('hybrid search p50 / p95, ms', (s) => `${f(s.hybridMs.p50, 2)} / ${f(s.hybridMs.p95, 2)}`);
      srow('lexical search p50 / p95, ms', (s) => `${f(s.lexicalMs.p50, 2)} / ${f(s.lexicalMs.p95, 2)}`);
      srow('hybrid with snippets p50, ms', (s) => f(s.hybridWithSnippetsMs.p50, 2));
      srow('HNSW recall@10 vs exact (ef_search)', (s) => `${f(s.recallAt10, 3)} (${s.efSearch})`);
      // Served from S3 on Lambda, the index is downloaded to /tmp at a cold start (s3/download.ts).
      srow(
        `from S3 on Lambda: download at ${S3_MB_PER_S} MB/s, s; /tmp (ephemeralStorage) and memorySize at least, MB`,
        (s) => `${f(s.diskMb / S3_MB_PER_S)}; ${lambdaSize(s.diskMb)} and ${lambdaSize(s.coldStart.rssMb)}`,
      );
    }
    const json = {
      machine: { cpus: os.availableParallelism(), node: process.version },
      corpora: results.map((r) => ({
        corpus: r.corpus,
        chunks: r.chunks,
        cold_start_ms: round(r.cold.totalMs.p50),
        rss_mb: round(r.cold.rssMb, 0),
        handler_ms: { p50: round(r.warm.handlerMs.p50, 3), p95: round(r.warm.handlerMs.p95, 3), p99: round(r.warm.handlerMs.p99, 3) },
        embed_ms_p50: round(r.warm.embedMs.p50, 3),
        stock_embed_ms_p50: round(r.warm.stockEmbedMs.p50, 3),
        search_ms_p50: round(r.warm.searchMs.p50, 3),
        peer_ms_p50: round(r.warm.peerMs.p50, 3),
        handler_over_embed: round(r.warm.handlerMs.p50 / r.warm.embedMs.p50, 3),
        handler_over_peer: round(r.warm.handlerMs.p50 / r.warm.peerMs.p50, 3),
        index_load_ms: round(r.warm.indexLoadMs, 1),
        ...(r.build
          ? {
              build_chunks_per_s: round(r.build.chunksPerSecond),
              build_over_loop: round(r.build.ratio, 3),
              build_peak_rss_mb: r.build.peakRssMb,
            }
          : {}),
      })),
      ...(mixed
        ? {
            mixed_build: {
              chunks: mixed.chunks,
              seconds: round(mixed.seconds, 2),
              chunks_per_s: round(mixed.chunksPerSecond),
              build_over_loop: round(mixed.ratio, 3),
              stages: mixed.stages,
            },
          }
        : {}),
      ...(scales.length
        ? {
            scale: scales.map((scale) => ({
              chunks: scale.chunks,
              disk_mb: round(scale.diskMb),
              load_ms: round(scale.loadMs, 0),
              first_load_ms: round(scale.firstLoadMs, 0),
              rss_mb: round(scale.rssMbAfterLoad, 0),
              bundled_load_ms: round(scale.coldStart.loadMs.total, 0),
              bundled_rss_mb: round(scale.coldStart.rssMb, 0),
              dense_ms_p50: round(scale.denseMs.p50, 3),
              hybrid_ms_p50: round(scale.hybridMs.p50, 3),
              hybrid_ms_p95: round(scale.hybridMs.p95, 3),
              recall_at_10: round(scale.recallAt10, 4),
              ef_search: scale.efSearch,
            })),
          }
        : {}),
    };
    console.log(JSON.stringify(json));
    await embedder.dispose();
    fs.rmSync(defaultIndex, { recursive: true, force: true });
  });

program.parseAsync().catch((err: Error) => {
  console.error(`bench: ${err.stack ?? err.message}`);
  process.exit(1);
});
