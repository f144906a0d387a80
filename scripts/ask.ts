/**
 * npm run ask -- "question" [--url <endpoint> | --function <name>] [options]
 * Asks a deployed endpoint over HTTP, or invokes the function directly through the Lambda API.
 * Prints readable passages with their sources, or the raw response with --json.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { HttpSearchClient, SearchClientError, type SearchInput } from '../src/client/http-client.js';
import { LambdaSearchClient } from '../src/client/lambda-client.js';
import { positiveInt } from './lib/cli.js';
import { readable } from './lib/readable.js';
import { scriptSettingsFromEnv } from '../src/config.js';

const settings = scriptSettingsFromEnv();

function jsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected a JSON object, e.g. \'{"doc_id": "guide.md"}\'');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidArgumentError('expected a JSON object, not an array or a value');
  return parsed as Record<string, unknown>;
}

const program = new Command('ask')
  .argument('<question...>', 'the question')
  .option('--url <url>', 'endpoint base URL (env SEMSEARCH_URL; default http://127.0.0.1:$PORT, PORT defaulting to 3000)')
  .option('--function <name>', 'invoke this Lambda function directly instead of calling a URL')
  .option('--region <region>', 'AWS region for --function (default: from the AWS environment)')
  .option('--profile <profile>', 'AWS profile for --function')
  .option('--endpoint <url>', 'Lambda API endpoint for --function (e.g. http://127.0.0.1:3002 for serverless offline)')
  .option('--api-key <key>', 'API key for --url or --function (env SEMSEARCH_API_KEY)', settings.apiKey)
  .option('--top-k <n>', 'passages to return', positiveInt, 5)
  .addOption(new Option('--mode <mode>', 'ranking').choices(['hybrid', 'dense', 'lexical']).default('hybrid'))
  .option('--collection <name>', 'collection to search')
  .option('--filter <json>', 'metadata conditions, e.g. \'{"doc_id": "guide.md"}\'', jsonObject)
  .option('--min-relevance <n>', 'hide passages below this relevance (0-1; 0 shows the best whatever they are)', Number)
  .option('--context <chars>', 'also print the passages packed into this many characters with [n] citations', positiveInt)
  .option('--json', 'print the raw JSON response')
  .action(async (words: string[], opts) => {
    const request: SearchInput = {
      query: words.join(' '),
      top_k: opts.topK,
      mode: opts.mode,
      ...(opts.collection ? { collection: opts.collection } : {}),
      ...(opts.filter ? { filter: opts.filter } : {}),
      ...(opts.minRelevance !== undefined ? { min_relevance: opts.minRelevance } : {}),
      ...(opts.context ? { context: { max_chars: opts.context } } : {}),
    };
    const client = opts.function
      ? new LambdaSearchClient(opts.function, {
          // A local emulator needs some region; AWS itself takes it from the environment or profile.
          ...(opts.region ? { region: opts.region } : opts.endpoint && !process.env.AWS_REGION ? { region: 'us-east-1' } : {}),
          ...(opts.profile ? { profile: opts.profile } : {}),
          ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
          ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
        })
      : new HttpSearchClient(opts.url ?? settings.serverUrl, {
          apiKey: opts.apiKey,
        });
    const response = await client.search(request);
    if (opts.json) console.log(JSON.stringify(response, null, 2));
    else
      console.log(
        response.context && response.results.length ? `${readable(response)}\n\ncontext:\n${response.context}` : readable(response),
      );
  });

program.parseAsync().catch((err: Error) => {
  const code = err instanceof SearchClientError && err.code ? ` [${err.code}]` : '';
  console.error(`ask: ${err.message}${code}`);
  process.exit(1);
});
