/**
 * Build throughput: the real build command in a child process on a fresh output directory,
 * told to reuse no vectors of earlier builds (every passage is embedded), against a one-at-a-time embedding loop over the same passages in this
 * process, measured in the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import os from 'node:os';
import { loadCorpus } from '../../src/corpus/load-corpus.js';
import { chunkDocument } from '../../src/corpus/chunker.js';
import { DEFAULT_BUILD_SETTINGS } from '../../src/build/settings.js';
import type { Embedder } from '../../src/embed/embedder.js';
import { runScript } from '../lib/run-script.js';
import { PROJECT_ROOT } from '../../src/paths.js';

export interface BuildBench {
  chunks: number;
  seconds: number;
  chunksPerSecond: number;
  peakRssMb: number;
  loopChunksPerSecond: number;
  ratio: number;
  /** Seconds per build stage. */
  stages?: Record<string, number>;
}

/** The first `n` documents of a BEIR corpus, as a JSON Lines file of its own. */
export function sampleCorpus(corpusFile: string, n: number): string {
  const raw = fs.readFileSync(corpusFile);
  const text = (corpusFile.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semsearch-bench-corpus-'));
  const file = path.join(dir, 'sample.jsonl');
  fs.writeFileSync(file, `${text.split('\n').filter(Boolean).slice(0, n).join('\n')}\n`);
  return file;
}

/**
 * Real documents of mixed shape without a download: the README.md of installed packages (prose,
 * lists of links, code blocks, badges), the first `n` of those over 2 KB in name order, so the same
 * lockfile gives the same corpus.
 */
export function packageReadmes(n = 40): string {
  const root = path.join(PROJECT_ROOT, 'node_modules');
  const names = fs
    .readdirSync(root)
    .flatMap((d) => (d.startsWith('@') ? fs.readdirSync(path.join(root, d)).map((s) => `${d}/${s}`) : [d]))
    .sort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semsearch-bench-readmes-'));
  let taken = 0;
  for (const name of names) {
    const readme = path.join(root, name, 'README.md');
    if (taken === n || !fs.existsSync(readme) || fs.statSync(readme).size < 2048) continue;
    fs.copyFileSync(readme, path.join(dir, `${name.replace('/', '__')}.md`));
    taken++;
  }
  return dir;
}

async function runBuild(corpus: string): Promise<{ chunks: number; seconds: number; peakRssMb: number; stages?: Record<string, number> }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'semsearch-bench-index-'));
  try {
    const line = await runScript('scripts/build-index.ts', ['--corpus', corpus, '--out', out, '--json', '--no-reuse']);
    const report = JSON.parse(line) as {
      chunks: { embedded: number };
      seconds: number;
      peak_rss_mb: number;
      stages?: Record<string, number>;
    };
    return {
      chunks: report.chunks.embedded,
      seconds: report.seconds,
      peakRssMb: report.peak_rss_mb,
      ...(report.stages ? { stages: report.stages } : {}),
    };
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
