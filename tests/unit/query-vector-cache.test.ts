/**
 * The off-topic pool's vectors kept between builds: the cache gives back exactly what embedding
 * gives, asks the model nothing the second time, and embeds again when its file is damaged or the
 * questions differ.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedQueryVectors } from '../../src/embed/query-vector-cache.js';
import { questionBatches } from '../../src/search/index-calibration.js';
import { sharedEmbedder, tempDir } from '../helpers/article-index.js';

describe('cached question vectors', () => {
  it('returns what the model returns, from disk the second time, and embeds again when the file is damaged', async () => {
    const embedder = await sharedEmbedder();
    const dir = tempDir('query-vectors');
    const questions = ['What is the capital of France?', 'How do I bake bread?', 'Who won the match?'];
    let calls = 0;
    const embed = async (texts: readonly string[]) => {
      calls++;
      return questionBatches(embedder)(texts);
    };
    const fresh = await cachedQueryVectors(embedder, questions, embed, dir);
    expect(fresh).toEqual(await questionBatches(embedder)(questions));
    expect(await cachedQueryVectors(embedder, questions, embed, dir)).toEqual(fresh);
    expect(calls).toBe(1);

    // Other questions are another entry; a file cut short is embedded again and rewritten.
    await cachedQueryVectors(embedder, questions.slice(1), embed, dir);
    expect(calls).toBe(2);
    for (const file of fs.readdirSync(dir)) fs.truncateSync(path.join(dir, file), 100);
    expect(await cachedQueryVectors(embedder, questions, embed, dir)).toEqual(fresh);
    expect(calls).toBe(3);
    expect(await cachedQueryVectors(embedder, questions, embed, dir)).toEqual(fresh);
    expect(calls).toBe(3);
  });
});
