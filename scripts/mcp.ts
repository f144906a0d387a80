/**
 * npm run mcp: an MCP server on stdio, for chat assistants (Claude Desktop, IDE agents...).
 * Searches the local index (--index or INDEX_DIR, and COLLECTIONS_DIR), or a deployed endpoint with
 * --url. The server itself is src/adapters/mcp-stdio.ts.
 */
import { Command } from 'commander';
import { serveMcpOnStdio } from '../src/adapters/mcp-stdio.js';
import { resolveFromCwd } from '../src/paths.js';
import { scriptSettingsFromEnv } from '../src/config.js';

const settings = scriptSettingsFromEnv();

const program = new Command('mcp')
  .description('MCP server (stdio) exposing the search_documents, search and fetch tools')
  .option('--url <url>', 'search a deployed endpoint instead of the local index')
  .option('--index <dir>', 'the local index folder to search (env INDEX_DIR; default index/)')
  .option('--api-key <key>', 'API key for --url (env SEMSEARCH_API_KEY)', settings.apiKey)
  .action(async (opts) => {
    await serveMcpOnStdio({
      ...(opts.url ? { url: opts.url as string } : {}),
      ...(opts.apiKey ? { apiKey: opts.apiKey as string } : {}),
      ...(opts.index ? { indexDir: resolveFromCwd(opts.index as string) } : {}),
    });
  });

program.parseAsync().catch((err: Error) => {
  process.stderr.write(`mcp: ${err.message}\n`);
  process.exit(1);
});
