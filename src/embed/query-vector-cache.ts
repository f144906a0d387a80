/**
 * Vectors of fixed questions kept on disk per embedder: every build asks its index the same pool
 * of off-topic questions (search/index-calibration.ts), and embedding them took longer than
 * embedding a small corpus. Keyed by the embedder's description (model and variant) and the
 * questions themselves; kept as float64, as the embedder returned them, so a cached vector is the
 * one a fresh embedding gives. Written atomically; a missing or damaged file is only embedded
 * again.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import type { Embedder } from './embedder.js';

const DEFAULT_DIR = path.join(PROJECT_ROOT, '.cache', 'query-vectors');

export type EmbedTexts = (texts: readonly string[]) => Promise<number[][]>;

/** `embed(texts)`, answered from the cache when it holds exactly these texts for this embedder. */
export async function cachedQueryVectors(
  embedder: Embedder,
  texts: readonly string[],
  embed: EmbedTexts,
  dir = DEFAULT_DIR,
): Promise<number[][]> {
  const key = createHash('sha256')
    .update(JSON.stringify({ embedder: embedder.info, texts }))
    .digest('hex')
    .slice(0, 32);
  const file = path.join(dir, `${key}.f64`);
  const d = embedder.info.dimension;
  try {
    const bytes = fs.readFileSync(file);
    if (bytes.length === texts.length * d * 8) {
      const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      return texts.map((_, i) => Array.from(values.subarray(i * d, (i + 1) * d)));
    }
  } catch {
    // not cached yet, or unreadable: embedded below
  }
  const vectors = await embed(texts);
  try {
    const values = new Float64Array(texts.length * d);
    vectors.forEach((v, i) => {
      values.set(v, i * d);
    });
    fs.mkdirSync(dir, { recursive: true });
    const staged = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(staged, values);
    fs.renameSync(staged, file);
  } catch {
    // a read-only or full disk: the next build embeds them again
  }
  return vectors;
}
