/**
 * npm run mcp: an MCP server on stdio, for chat assistants (Claude Desktop, IDE agents...).
 * Searches the local index (--index or INDEX_DIR, and COLLECTIONS_DIR), or a deployed endpoint with --url.
 * stdout carries the protocol, so logs go to stderr.
 */
import { Command } from 'commander';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import pino from 'pino';
import { createMcpServer, describeIndex, documentOrNothing, type FetchFn, type SearchFn } from '../src/api/mcp-tools.js';
import { configFromEnv } from '../src/config.js';
import { HttpSearchClient } from '../src/client/http-client.js';
import { createLogger } from '../src/api/logger.js';
import { createService } from '../src/service.js';
import { resolveFromCwd } from '../src/paths.js';

const program = new Command('mcp')
  .description('MCP server (stdio) exposing the search_documents, search and fetch tools')
  .option('--url <url>', 'search a deployed endpoint instead of the local index')
  .option('--index <dir>', 'the local index folder to search (env INDEX_DIR; default index/)')
  .option('--api-key <key>', 'API key for --url (env SEMSEARCH_API_KEY)', process.env.SEMSEARCH_API_KEY)
  .action(async (opts) => {
    const logger = createLogger({ destination: pino.destination({ fd: 2, sync: true }) });
    let search: SearchFn;
    let fetchDocument: FetchFn;
    let about: string | undefined;
    if (opts.url) {
      const client = new HttpSearchClient(opts.url, { ...(opts.apiKey ? { apiKey: opts.apiKey } : {}) });
      search = (request) => client.search(request);
      fetchDocument = (id) => client.document(id);
    } else {
      const env = configFromEnv();
      const service = createService({ logger, config: opts.index ? { ...env, indexDir: resolveFromCwd(opts.index) } : env });
      await service.ready;
      search = service.api.search;
      fetchDocument = documentOrNothing(service.api);
      about = describeIndex((await service.collections.get()).index.documents);
    }
    const { mcp } = configFromEnv();
    const server = createMcpServer(search, {
      fetchDocument,
      ...(mcp?.toolPrefix ? { toolPrefix: mcp.toolPrefix } : {}),
      ...((mcp?.description ?? about) ? { about: (mcp?.description ?? about)! } : {}),
    });
    await server.connect(new StdioServerTransport());
    logger.info({ msg: 'mcp server ready', target: opts.url ?? 'local index' });
  });

program.parseAsync().catch((err: Error) => {
  process.stderr.write(`mcp: ${err.message}\n`);
  process.exit(1);
});
