/**
 * The MCP door on stdio, for chat assistants that start a local process (Claude Desktop, IDE
 * agents): the search and fetch tools over the local index, or over a deployed endpoint when a
 * URL is given. stdout carries the protocol, so logs go to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import pino from 'pino';
import { createMcpServer, describeIndex, documentOrNothing, type FetchFn, type SearchFn } from '../api/mcp-tools.js';
import { configFromEnv } from '../config.js';
import { HttpSearchClient } from '../client/http-client.js';
import { createLogger } from '../api/logger.js';
import { createService } from '../service.js';

export interface StdioMcpOptions {
  /** A deployed endpoint to search instead of the local index. */
  url?: string;
  /** Its API key. */
  apiKey?: string;
  /** The local index folder (otherwise INDEX_DIR, then index/). */
  indexDir?: string;
}

export async function serveMcpOnStdio(options: StdioMcpOptions): Promise<void> {
  const logger = createLogger({ destination: pino.destination({ fd: 2, sync: true }) });
  const env = configFromEnv();
  let search: SearchFn;
  let fetchDocument: FetchFn;
  let about: string | undefined;
  if (options.url) {
    const client = new HttpSearchClient(options.url, { ...(options.apiKey ? { apiKey: options.apiKey } : {}) });
    search = (request) => client.search(request);
    fetchDocument = (id) => client.document(id);
  } else {
    const service = createService({ logger, config: options.indexDir ? { ...env, indexDir: options.indexDir } : env });
    await service.ready;
    search = service.api.search;
    fetchDocument = documentOrNothing(service.api);
    about = describeIndex((await service.collections.get()).index.documents);
  }
  const { mcp } = env;
  const description = mcp?.description ?? about;
  const server = createMcpServer(search, {
    fetchDocument,
    ...(mcp?.toolPrefix ? { toolPrefix: mcp.toolPrefix } : {}),
    ...(description ? { about: description } : {}),
  });
  await server.connect(new StdioServerTransport());
  logger.info({ msg: 'mcp server ready', target: options.url ?? 'local index' });
}
