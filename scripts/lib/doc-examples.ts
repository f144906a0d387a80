/**
 * The example outputs shown in the README and docs, produced from the current code: each is a
 * request to the sample index and a way to print its answer. In the Markdown an example sits
 * between `<!-- example: name -->` and `<!-- /example -->`, around one fenced block.
 * `npm run docs:examples` rewrites them; a test fails when one no longer matches what is served.
 */
import type { SearchApi } from '../../src/api/search-api.js';
import type { SearchInput, SearchResponse } from '../../src/api/schemas.js';
import { MCP_CONTEXT_CHARS, searchDocumentsText } from '../../src/api/mcp-tools.js';
import { readable } from './readable.js';

interface Example {
  name: string;
  request: SearchInput;
  /** The fence's language and its content. */
  render: (response: SearchResponse) => { lang: string; text: string };
}

/** The first result only: the rest repeat its shape. */
function firstResultJson(response: SearchResponse): string {
  return JSON.stringify({ ...response, results: response.results.slice(0, 1) }, null, 2);
}

export const EXAMPLES: readonly Example[] = [
  {
    name: 'ask-json',
    request: { query: 'Which country was the first to recognize the Taliban government?', top_k: 2 },
    render: (r) => ({ lang: 'json', text: firstResultJson(r) }),
  },
  {
    // What the README's `jq` filter keeps of each result.
    name: 'ask-summary',
    request: { query: 'Which country was the first to recognize the Taliban government?', top_k: 2 },
    render: (r) => ({
      lang: 'json',
      text: JSON.stringify(
        r.results.map(({ rank, relevance, snippet, source }) => ({ rank, relevance, snippet, source: source.path })),
        null,
        2,
      ),
    }),
  },
  {
    name: 'no-answer-json',
    request: { query: 'What is the population of Afghanistan?' },
    render: (r) => ({ lang: 'json', text: JSON.stringify(r) }),
  },
  {
    name: 'ask-readable',
    request: { query: 'Who is the Afghan foreign minister?', top_k: 2 },
    render: (r) => ({
      lang: '',
      text: `$ npm run ask -- "${r.query}" --function semantic-search-dev-search --endpoint http://127.0.0.1:3002 --top-k 2\n${readable(r)}`,
    }),
  },
  {
    name: 'mcp-search-documents',
    request: { query: 'What did the Russian Supreme Court do in April?', top_k: 3, context: { max_chars: MCP_CONTEXT_CHARS } },
    // The first passage: the packed context cites each passage in a block of its own.
    render: (r) => ({ lang: '', text: searchDocumentsText(r).split('\n\n')[0]! }),
  },
];

export async function renderExamples(api: SearchApi): Promise<Map<string, { lang: string; text: string }>> {
  const out = new Map<string, { lang: string; text: string }>();
  for (const example of EXAMPLES) out.set(example.name, example.render(await api.search(example.request)));
  return out;
}

const BLOCK = /(<!-- example: ([\w-]+) -->\n)(\s*)```[\w]*\n[\s\S]*?\n\s*```\n(\s*<!-- \/example -->)/g;

/** The examples a Markdown file holds, by name: the fenced block's content, without its indentation. */
export function examplesIn(markdown: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of markdown.matchAll(BLOCK)) {
    const indent = m[3]!;
    const body = m[0].slice(m[1]!.length + indent.length).replace(/^```[\w]*\n/, '');
    const text = body.slice(0, body.lastIndexOf('```')).replace(/\n\s*$/, '');
    found.set(
      m[2]!,
      text
        .split('\n')
        .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
        .join('\n'),
    );
  }
  return found;
}

/** The Markdown with each example it holds replaced by its rendering (indentation kept). */
export function withExamples(markdown: string, rendered: Map<string, { lang: string; text: string }>): string {
  return markdown.replace(BLOCK, (whole, open: string, name: string, indent: string, close: string) => {
    const example = rendered.get(name);
    if (!example) return whole;
    const body = example.text
      .split('\n')
      .map((l) => (l ? indent + l : l))
      .join('\n');
    return `${open}${indent}\`\`\`${example.lang}\n${body}\n${indent}\`\`\`\n${close}`;
  });
}

/** took_ms differs from run to run; everything else is the same for the same index and code. */
export function comparable(text: string): string {
  return text.replace(/"took_ms": ?[\d.]+/g, '"took_ms": 0');
}
