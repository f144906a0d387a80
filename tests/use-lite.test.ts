/** The bundled encoder's fast paths are exact: same token ids, same vectors as the package's own code. */
import fs from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadUseLite, type UseLiteEmbedderType } from '../src/embed/use-lite.js';
import { DEFAULT_CORPUS_DIR } from '../src/paths.js';

let embedder: UseLiteEmbedderType;
const article = fs.readFileSync(`${DEFAULT_CORPUS_DIR}/article.txt`, 'utf8');

beforeAll(async () => {
  embedder = await loadUseLite();
});

describe('bundled encoder', () => {
  it('tokenises exactly like the package, on the article and on generated text', () => {
    for (const paragraph of article.split('\n')) expect(embedder.countPassageTokens(paragraph)).toBe(embedder.reference.encode(paragraph).length);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.lorem({ maxCount: 30 })), (text) => {
        expect(embedder.countPassageTokens(text)).toBe(embedder.reference.encode(text).length);
      }),
      { numRuns: 2000 },
    );
  });

  it('embeds exactly like the package (same graph, same inputs), one text or a batch', async () => {
    const texts = ['Who recognized the Taliban?', article.slice(0, 400), '', 'émigré café ½ 😀'];
    const ours = await embedder.embedPassages(texts);
    const theirs = await embedder.reference.embed(texts);
    ours.forEach((v, i) => v.forEach((x, j) => expect(x).toBeCloseTo(theirs[i]![j]!, 6)));
    const [single] = await embedder.embedQueries([texts[0]!]);
    single!.forEach((x, j) => expect(x).toBeCloseTo(theirs[0]![j]!, 6));
  });

  it('reads only its first 128 tokens, which is why chunks are cut to fit', async () => {
    const words = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
    expect(embedder.countPassageTokens(words)).toBeGreaterThan(200);
    const [a, b] = await embedder.embedPassages([words, `${words} galaxy telescope astronomy`]);
    a!.forEach((x, j) => expect(x).toBeCloseTo(b![j]!, 6));
  });
});
