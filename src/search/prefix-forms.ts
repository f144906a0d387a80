/**
 * A question's word the index never saw often has a shorter form it did: "western" and "west",
 * "russian" and "russia", which the stemmer keeps apart. An unknown term's prefixes of at least
 * four letters and three fifths of its length are looked up, and the longest the index holds
 * stands for it, as a synonym does (credited in part). Known terms are left alone.
 */
const MIN_LETTERS = 4;
const MIN_SHARE = 0.6;

/** The prefixes an unknown term may stand for, longest first. */
export function prefixForms(term: string): string[] {
  const shortest = Math.max(MIN_LETTERS, Math.ceil(term.length * MIN_SHARE));
  const out: string[] = [];
  for (let n = term.length - 1; n >= shortest; n--) out.push(term.slice(0, n));
  return out;
}
