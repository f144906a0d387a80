/**
 * The bundled encoder's sentencepiece tokenizer, linear in the text length. The package's own
 * tokenizer copies the remaining input at every position (quadratic), which made chunking a large
 * corpus slower than embedding it. This walks the same trie with the same Viterbi rules (ties go
 * to the later candidate, score 0 counts as unset, runs of unknown symbols collapse into one), so
 * its ids equal `tokenizer.encode(text)` exactly; a property test checks that.
 */
import type { Trie } from '@energetic-ai/embeddings/dist/trie.js';

type Vocabulary = [string, number][];

const SEPARATOR = '\u2581';

export function encodeUseTokens(trie: Trie, vocabulary: Vocabulary, text: string): number[] {
  const normalized = text.normalize('NFKC');
  if (normalized.length === 0) return [];
  const symbols = Array.from(SEPARATOR + normalized.replace(/ /g, SEPARATOR));
  const n = symbols.length;
  const best = new Float64Array(n + 1);
  const words = new Int32Array(n + 1);
  const relax = (end: number, score: number, index: number) => {
    if (best[end] === 0 || score >= best[end]!) {
      best[end] = score;
      words[end] = index;
    }
  };
  for (let start = 0; start < n; start++) {
    let node = trie.root.children[symbols[start]!];
    let matched = false;
    for (let depth = 0; start + depth < n && node; depth++) {
      if (node.end) {
        matched = true;
        relax(start + depth + 1, node.word[1] + best[start]!, node.word[2]);
      }
      node = node.children[symbols[start + depth + 1]!];
    }
    if (!matched) relax(start + 1, best[start]!, 0);
  }
  const ids: number[] = [];
  let previousUnknown = false;
  for (let at = n; at > 0; at -= vocabulary[words[at]!]![0].length) {
    const id = words[at]!;
    if (!(previousUnknown && id === 0)) ids.push(id);
    previousUnknown = id === 0;
  }
  return ids.reverse();
}
