/**
 * Packs the top passages into a prompt-ready string within a character or token budget, each
 * headed by the citation number that matches its rank in `results`. A passage that does not fit
 * whole is cut at a sentence (or word) boundary rather than dropped, if it is the first one (its
 * citation shortened to the title, or the number alone, when the budget is that small).
 */
import type { SearchResponse } from './schemas.js';

/** A rough, deliberately cautious rule of thumb for English with common LLM tokenizers. */
export const CHARS_PER_TOKEN = 4;

export interface ContextBudget {
  max_chars?: number | undefined;
  max_tokens?: number | undefined;
}

function header(r: SearchResponse['results'][number]): string {
  const where = r.source.url ?? r.source.path;
  const section = r.section.length ? ` — ${r.section.join(' › ')}` : '';
  const page = r.source.page !== undefined ? `, page ${r.source.page}` : '';
  return `[${r.rank}] ${r.title}${section} (${where}${page})`;
}

function cut(text: string, room: number): string {
  if (text.length <= room) return text;
  const slice = text.slice(0, Math.max(0, room - 1));
  const sentence = slice.match(/^[\s\S]*[.!?]["')\]]?(?=\s)/)?.[0];
  const word = slice.replace(/\s+\S*$/, '');
  return `${(sentence && sentence.length > room / 2 ? sentence : word).trimEnd()}…`;
}

export function packContext(results: SearchResponse['results'], budget: ContextBudget): string {
  const limit = Math.min(budget.max_chars ?? Infinity, (budget.max_tokens ?? Infinity) * CHARS_PER_TOKEN);
  const parts: string[] = [];
  let used = 0;
  for (const r of results) {
    const separator = parts.length ? 2 : 0;
    const head = `${header(r)}\n`;
    const room = limit - used - separator - head.length;
    if (room >= r.text.length) {
      parts.push(head + r.text);
      used += separator + head.length + r.text.length;
      continue;
    }
    // Only the best passage is worth keeping in part, under a shorter citation when the full one
    // (title, headings, source) leaves too little room; later ones are left out whole.
    if (parts.length === 0) {
      for (const short of [head, `[${r.rank}] ${r.title}\n`, `[${r.rank}]\n`]) {
        if (limit - short.length > 40) {
          parts.push(short + cut(r.text, limit - short.length));
          break;
        }
      }
    }
    break;
  }
  return parts.join('\n\n');
}
