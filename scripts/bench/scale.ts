/** The scale run: a synthetic index of N chunks, written by the product's writer, measured in a fresh process. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScript } from '../lib/run-script.js';
import { readManifest } from '../../src/index/read-index.js';
import type { Summary } from './stats.js';
import { measureColdStart, type ColdStart } from './cold-start.js';

export interface ScaleBench {
  chunks: number;
  buildSeconds: number;
  diskMb: number;
  /** Load in a fresh process, median of three. */
  loadMs: number;
  /** The first of those loads, right after the index was written (the disk still flushing it). */
  firstLoadMs: number;
  rssMbAfterLoad: number;
  /** The Lambda artifact (bundled handler) started on this index in fresh processes: its init and first answer. */
  coldStart: ColdStart;
  rssMbIndex: number;
  denseMs: Summary;
  hybridMs: Summary;
  lexicalMs: Summary;
  hybridWithSnippetsMs: Summary;
  recallAt10: number;
  /** The width of the graph walk (the index's ef_search). */
  efSearch: number;
}

/** `baseDir`: a real index to grow from; `questions`: real questions; `bundle`: the bundled handler. */
export async function measureScale(baseDir: string, chunks: number, questions: string[], bundle: string): Promise<ScaleBench> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'semsearch-scale-'));
  const questionsFile = path.join(out, '..', `${path.basename(out)}-questions.txt`);
  fs.writeFileSync(questionsFile, questions.join('\n'));
  try {
    // Every vector is held as a JS array while the index is written: about 12 GB of heap at a
    // million passages, far past node's default.
    const heapMb = Math.max(4096, Math.ceil(chunks / 60));
    const written = JSON.parse(
      await runScript('scripts/bench/scale-write.ts', [out, baseDir, String(chunks)], [`--max-old-space-size=${heapMb}`]),
    ) as { seconds: number };
    const buildSeconds = written.seconds;
    const manifest = readManifest(out);
    const diskMb = Object.values(manifest.files).reduce((sum, f) => sum + f.bytes, 0) / 1048576;
    const loads: number[] = [];
    for (let i = 0; i < 3; i++)
      loads.push((JSON.parse(await runScript('scripts/bench/scale-child.ts', [out])) as { load_ms: number }).load_ms);
    const coldStart = await measureColdStart(bundle, out, questions[0]!, 3);
    const child = await runScript('scripts/bench/scale-child.ts', [out, questionsFile]);
    const r = JSON.parse(child) as Record<string, unknown>;
    return {
      chunks: r.chunks as number,
      buildSeconds,
      diskMb,
      loadMs: [...loads].sort((a, b) => a - b)[1]!,
      firstLoadMs: loads[0]!,
      rssMbAfterLoad: r.rss_mb_after_load as number,
      coldStart,
      rssMbIndex: r.rss_mb_index as number,
      denseMs: r.dense_ms as Summary,
      hybridMs: r.hybrid_ms as Summary,
      lexicalMs: r.lexical_ms as Summary,
      hybridWithSnippetsMs: r.hybrid_with_snippets_ms as Summary,
      recallAt10: r.recall_at_10 as number,
      efSearch: r.ef_search as number,
    };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(questionsFile, { force: true });
  }
}
