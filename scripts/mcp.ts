/**
 * npm run mcp: an MCP server on stdio, for chat assistants (Claude Desktop, IDE agents...).
 * Searches the local index (INDEX_DIR, COLLECTIONS_DIR), or a deployed endpoint with --url.
 * stdout carries the protocol, so logs go to stderr.
 */
import { Command } from 'commander';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import pino from 'pino';
import { createMcpServer, searchThroughApp, type SearchFn } from '../src/adapters/mcp.js';
import { HttpSearchClient } from '../src/client/http-client.js';
import { createLogger } from '../src/api/logger.js';
import { createService } from '../src/service.js';

const VERSION = '0.1.0';

const program = new Command('mcp')
  .description('MCP server (stdio) exposing the search_documents tool')
  .option('--url <url>', 'search a deployed endpoint instead of the local index')
  .option('--api-key <key>', 'API key for --url (env SEMSEARCH_API_KEY)', process.env.SEMSEARCH_API_KEY)
  .action(async (opts) => {
    const logger = createLogger({ destination: pino.destination({ fd: 2, sync: true }) });
    let search: SearchFn;
    if (opts.url) {
      const client = new HttpSearchClient(opts.url, { ...(opts.apiKey ? { apiKey: opts.apiKey } : {}) });
      search = (request) => client.search(request);
    } else {
      const service = createService({ logger });
      await service.ready;
      search = searchThroughApp((request) => service.app.fetch(request, { trustedInvoke: true }));
    }
    const server = createMcpServer(search, VERSION);
    await server.connect(new StdioServerTransport());
    logger.info({ msg: 'mcp server ready', target: opts.url ?? 'local index' });
  });

program.parseAsync().catch((err: Error) => {
  process.stderr.write(`mcp: ${err.message}\n`);
  process.exit(1);
});
