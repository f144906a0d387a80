/** Search results as `npm run ask` prints them: numbered passages, wrapped, with their sources. */
import type { SearchResponse } from '../../src/api/schemas.js';

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

export function readable(response: SearchResponse): string {
  if (response.no_answer)
    return `No answer: ${response.no_answer.message} (best passage relevance ${response.no_answer.best_relevance.toFixed(2)}, below ${response.no_answer.min_relevance})`;
  if (response.results.length === 0) return `No passage matched "${response.query}".`;
  return response.results
    .map((r) => {
      const section = r.section.length ? ` — ${r.section.join(' › ')}` : '';
      const source = [
        r.source.url,
        `${r.source.path}${r.source.page ? `, page ${r.source.page}` : ''}, characters ${r.source.char_start}–${r.source.char_end}`,
      ]
        .filter(Boolean)
        .join(' · ');
      return `[${r.rank}] ${r.title}${section}  (relevance ${r.relevance.toFixed(2)})\n${wrap(r.text, 96, '    ')}\n    source: ${source}`;
    })
    .join('\n\n');
}
