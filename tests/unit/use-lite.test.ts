/** The bundled encoder's fast paths are exact: same token ids, same vectors as the package's own code. */
import fs from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { QueryCoalescer } from '../../src/embed/query-coalescer.js';
import { loadUseLite, type UseLiteEmbedderType } from '../../src/embed/use-lite.js';
import { DEFAULT_CORPUS_DIR } from '../../src/paths.js';

let embedder: UseLiteEmbedderType;
const article = fs.readFileSync(`${DEFAULT_CORPUS_DIR}/article.txt`, 'utf8');

beforeAll(async () => {
  embedder = await loadUseLite();
});

describe('bundled encoder', () => {
  it('tokenises exactly like the package, on the article and on generated text', () => {
    for (const paragraph of article.split('\n'))
      expect(embedder.countPassageTokens(paragraph)).toBe(embedder.reference.encode(paragraph).length);
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.lorem({ maxCount: 30 })),
        (text) => {
          expect(embedder.countPassageTokens(text)).toBe(embedder.reference.encode(text).length);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('embeds exactly like the package (same graph, same inputs), one text or a batch', async () => {
    const texts = ['Who recognized the Taliban?', article.slice(0, 400), '', 'émigré café ½ 😀'];
    const ours = await embedder.embedPassages(texts);
    const theirs = await embedder.reference.embed(texts);
    ours.forEach((v, i) => {
      v.forEach((x, j) => {
        expect(x).toBeCloseTo(theirs[i]![j]!, 6);
      });
    });
    const [single] = await embedder.embedQueries([texts[0]!]);
    single!.forEach((x, j) => {
      expect(x).toBeCloseTo(theirs[0]![j]!, 6);
    });
  });

  it('runs the graph in one pass to the same bits as op by op: any text, batches, empty texts, texts past the window', async () => {
    const long = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
    // A batch of texts with no tokens at all is refused by the graph either way: never asked.
    const batches = [
      ['Who recognized the Taliban?'],
      [long],
      ['Who recognized the Taliban?', '', long, article.slice(0, 900), 'émigré café ½ 😀'],
      article.split('\n').filter(Boolean),
    ];
    const same = async (texts: string[]) => {
      const onePass = await embedder.embedPassages(texts);
      const opByOp = await embedder.reference.opByOp(texts);
      expect(onePass).toHaveLength(texts.length);
      onePass.forEach((v, i) => {
        v.forEach((x, j) => {
          if (!Object.is(x, opByOp[i]![j])) expect.fail(`text ${i} component ${j}: ${x} against ${opByOp[i]![j]}`);
        });
      });
    };
    for (const texts of batches) await same(texts);
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.lorem({ maxCount: 60 })), { minLength: 1, maxLength: 4 })
          .filter((texts) => texts.some((t) => embedder.countPassageTokens(t) > 0)),
        same,
      ),
      { numRuns: 40 },
    );
  });

  it('reads only its first 128 tokens, which is why chunks are cut to fit', async () => {
    const words = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
    expect(embedder.countPassageTokens(words)).toBeGreaterThan(200);
    const [a, b] = await embedder.embedPassages([words, `${words} galaxy telescope astronomy`]);
    a!.forEach((x, j) => {
      expect(x).toBeCloseTo(b![j]!, 6);
    });
  });

  it('shares model calls between concurrent questions and answers each with its own vector', async () => {
    const coalescer = new QueryCoalescer(embedder, 4);
    const questions = Array.from({ length: 10 }, (_, i) => `question number ${i} about the Taliban embassy`);
    const alone: number[][][] = [];
    for (const q of questions) alone.push(await embedder.embedQueries([q]));
    const together = await Promise.all([...questions.map((q) => coalescer.embedQueries([q])), coalescer.embedQueries([])]);
    // Whole requests in arrival order, at most 4 questions per call: 4 + 4 + 2.
    expect(coalescer.modelCalls).toBe(3);
    questions.forEach((_, i) => {
      expect(together[i]).toHaveLength(1);
      together[i]![0]!.forEach((x, j) => {
        expect(x).toBeCloseTo(alone[i]![0]![j]!, 5);
      });
    });
    expect(together[10]).toEqual([]);
  });
});
