/**
 * Build throughput: the real build command in a child process on a fresh output directory
 * (nothing to reuse), against a one-at-a-time embedding loop over the same passages in this
 * process, measured in the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import os from 'node:os';
import { loadCorpus } from '../../src/corpus/load-corpus.js';
import { chunkDocument } from '../../src/corpus/chunker.js';
import { DEFAULT_BUILD_SETTINGS } from '../../src/index/settings.js';
import type { Embedder } from '../../src/embed/embedder.js';
import { runScript } from '../lib/run-script.js';

export interface BuildBench {
  chunks: number;
  seconds: number;
  chunksPerSecond: number;
  peakRssMb: number;
  loopChunksPerSecond: number;
  ratio: number;
}

/** The first `n` documents of a BEIR corpus, as a JSON Lines file of its own. */
export function sampleCorpus(corpusFile: string, n: number): string {
  const raw = fs.readFileSync(corpusFile);
  const text = (corpusFile.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semsearch-bench-corpus-'));
  const file = path.join(dir, 'sample.jsonl');
  fs.writeFileSync(file, text.split('\n').filter(Boolean).slice(0, n).join('\n') + '\n');
  return file;
}

async function runBuild(corpus: string): Promise<{ chunks: number; seconds: number; peakRssMb: number }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'semsearch-bench-index-'));
  try {
    const line = await runScript('scripts/build-index.ts', ['--corpus', corpus, '--out', out, '--json']);
    const report = JSON.parse(line) as { chunks: { embedded: number }; seconds: number; peak_rss_mb: number };
    return { chunks: report.chunks.embedded, seconds: report.seconds, peakRssMb: report.peak_rss_mb };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** Chunks per second embedding the corpus's passages one call each, in this thread. */
async function oneAtATime(corpus: string, embedder: Embedder, limit: number): Promise<number> {
  const { documents } = await loadCorpus(corpus);
  const settings = { ...DEFAULT_BUILD_SETTINGS, maxTokens: embedder.info.maxTokens };
  const inputs = documents.flatMap((d) => chunkDocument(d, settings, (t) => embedder.countPassageTokens(t))).map((c) => c.embedInput);
  // Every k-th passage, so the sample has the corpus's mix of lengths (embedding time depends on it).
  const step = Math.max(1, Math.floor(inputs.length / limit));
  const sample = inputs.filter((_, i) => i % step === 0).slice(0, limit);
  await embedder.embedPassages(sample.slice(0, 3));
  const started = performance.now();
  for (const text of sample) await embedder.embedPassages([text]);
  return sample.length / ((performance.now() - started) / 1000);
}

export async function measureBuild(corpus: string, embedder: Embedder, loopLimit = 300): Promise<BuildBench> {
  const loop = await oneAtATime(corpus, embedder, loopLimit);
  const build = await runBuild(corpus);
  const chunksPerSecond = build.chunks / build.seconds;
  return { ...build, chunksPerSecond, loopChunksPerSecond: loop, ratio: chunksPerSecond / loop };
}
