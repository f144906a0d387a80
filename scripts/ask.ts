/**
 * npm run ask -- "question" [--url <endpoint> | --function <name>] [options]
 * Asks a deployed endpoint over HTTP, or invokes the function directly through the Lambda API.
 * Prints readable passages with their sources, or the raw response with --json.
 */
import { Command } from 'commander';
import { HttpSearchClient, SearchClientError, type SearchInput } from '../src/client/http-client.js';
import { LambdaSearchClient } from '../src/client/lambda-client.js';
import type { SearchResponse } from '../src/api/schemas.js';
import { positiveInt } from './lib/cli.js';

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
  if (response.no_answer) return `No answer: ${response.no_answer.message} (best passage relevance ${response.no_answer.best_relevance.toFixed(2)}, below ${response.no_answer.min_relevance})`;
  if (response.results.length === 0) return `No passage matched "${response.query}".`;
  return response.results
    .map((r) => {
      const section = r.section.length ? ` — ${r.section.join(' › ')}` : '';
      const source = [r.source.url, `${r.source.path}${r.source.page ? `, page ${r.source.page}` : ''}, characters ${r.source.char_start}–${r.source.char_end}`].filter(Boolean).join(' · ');
      return `[${r.rank}] ${r.title}${section}  (relevance ${r.relevance.toFixed(2)})\n${wrap(r.text, 96, '    ')}\n    source: ${source}`;
    })
    .join('\n\n');
}

const program = new Command('ask')
  .argument('<question...>', 'the question')
  .option('--url <url>', 'endpoint base URL (env SEMSEARCH_URL; default http://127.0.0.1:3000)')
  .option('--function <name>', 'invoke this Lambda function directly instead of calling a URL')
  .option('--region <region>', 'AWS region for --function (default: from the AWS environment)')
  .option('--profile <profile>', 'AWS profile for --function')
  .option('--endpoint <url>', 'Lambda API endpoint for --function (e.g. http://127.0.0.1:3002 for serverless offline)')
  .option('--api-key <key>', 'API key for --url (env SEMSEARCH_API_KEY)', process.env.SEMSEARCH_API_KEY)
  .option('--top-k <n>', 'passages to return', positiveInt, 5)
  .option('--mode <mode>', 'hybrid | dense | lexical', 'hybrid')
  .option('--collection <name>', 'collection to search')
  .option('--json', 'print the raw JSON response')
  .action(async (words: string[], opts) => {
    const request: SearchInput = {
      query: words.join(' '),
      top_k: opts.topK,
      mode: opts.mode,
      ...(opts.collection ? { collection: opts.collection } : {}),
    };
    const client = opts.function
      ? new LambdaSearchClient(opts.function, {
          // A local emulator needs some region; AWS itself takes it from the environment or profile.
          ...(opts.region ? { region: opts.region } : opts.endpoint && !process.env.AWS_REGION ? { region: 'us-east-1' } : {}),
          ...(opts.profile ? { profile: opts.profile } : {}),
          ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
        })
      : new HttpSearchClient(opts.url ?? process.env.SEMSEARCH_URL ?? 'http://127.0.0.1:3000', { apiKey: opts.apiKey });
    const response = await client.search(request);
    console.log(opts.json ? JSON.stringify(response, null, 2) : readable(response));
  });

program.parseAsync().catch((err: Error) => {
  const code = err instanceof SearchClientError && err.code ? ` [${err.code}]` : '';
  console.error(`ask: ${err.message}${code}`);
  process.exit(1);
});
