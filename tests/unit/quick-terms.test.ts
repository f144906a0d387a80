/**
 * The snippet's term finder against analysing every word: for any text and any wanted terms, it
 * finds the same terms in the same order though it skips the words whose initial no wanted term
 * has. Words come capitalised, accented, as possessives, with digits and curly apostrophes; the
 * wanted terms mix the text's own with one-letter, accented and unrelated ones.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { analyzeQuick, quickTermsAmong } from '../../src/text/analyzer.js';

const WORDS = [
  'The',
  'the',
  'Nation',
  'nations',
  "nation's",
  'nation’s',
  'Élan',
  'élan',
  'eyed',
  'Eyes',
  'ies',
  'sses',
  'a',
  'I',
  'x',
  'Yelling',
  'yes',
  'dying',
  '2020',
  '3rd',
  'o’clock',
  "O'Brien",
  'über',
  'Ärzte',
  'cells',
  'Cell',
  'celled',
  'running',
  'Runs',
  'happy',
  'happiness',
  'generalizations',
  'filing',
  'files',
  'ÉTÉ',
  'naïve',
  'co-operate',
];

const text = fc
  .array(fc.constantFrom(...WORDS), { maxLength: 40 })
  .chain((words) =>
    fc
      .array(fc.constantFrom(' ', '. ', ', ', '-', ' (', ') ', '\n'), { minLength: words.length, maxLength: words.length })
      .map((gaps) => words.map((w, i) => w + gaps[i]).join('')),
  );

it('finds what analysing every word finds, once each, in order of first occurrence', () => {
  fc.assert(
    fc.property(
      text,
      fc.boolean(),
      fc.boolean(),
      fc.array(fc.constantFrom('i', 'x', 'e', 'ei', 'élan', 'über', 'zzz', '2020', 'nation', 'cell'), { maxLength: 5 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (t, stem, stopwords, extra, share) => {
        const settings = { stem, stopwords };
        const all = [...new Set(analyzeQuick(t, settings))];
        // Some of the text's own terms (the first `share` of them) and some others.
        const wanted = new Set([...all.slice(0, Math.ceil(all.length * share)), ...extra]);
        expect(quickTermsAmong(settings, wanted)(t)).toEqual(all.filter((term) => wanted.has(term)));
      },
    ),
    { numRuns: 500 },
  );
});
