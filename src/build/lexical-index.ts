/**
 * The lexical index of a build: each chunk analysed once into its two fields' terms, postings
 * collected per term in chunk order (index/lexical.ts says what they hold).
 */
import { analyze, termFrequencies, type AnalyzerSettings } from '../text/analyzer.js';
import { contextLine } from '../corpus/chunker.js';
import type { LexicalIndexData } from '../index/lexical.js';

export interface LexicalInput {
  body: string;
  context: string;
}

/** A chunk as BM25F reads it: its text, and its document's title with its section headings as context. */
export function lexicalInput(title: string, section: string[], text: string): LexicalInput {
  return { body: text, context: contextLine(title, section, 'title+section') };
}

export function buildLexicalIndex(inputs: LexicalInput[], analyzer: AnalyzerSettings): LexicalIndexData {
  const terms = new Map<string, { df: number; body?: number[]; context?: number[] }>();
  const bodyLengths: number[] = [];
  const contextLengths: number[] = [];
  inputs.forEach((input, i) => {
    const body = analyze(input.body, analyzer);
    const context = analyze(input.context, analyzer);
    bodyLengths.push(body.length);
    contextLengths.push(context.length);
    const seen = new Set<string>();
    for (const [field, list] of [
      ['body', body],
      ['context', context],
    ] as const) {
      for (const [term, tf] of termFrequencies(list)) {
        let entry = terms.get(term);
        if (!entry) {
          entry = { df: 0 };
          terms.set(term, entry);
        }
        const postings = entry[field] ?? [];
        entry[field] = postings;
        postings.push(i, tf);
        if (!seen.has(term)) {
          seen.add(term);
          entry.df++;
        }
      }
    }
  });
  return { analyzer, count: inputs.length, bodyLengths, contextLengths, terms };
}
