/**
 * The MCP server, driven by the official SDK's own client over stdio: the server is the real
 * `scripts/mcp.ts` process on a real index of the article.
 */
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex } from './helpers/article-index.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { TOOL_NAME } from '../src/api/tool.js';
import { SearchResponseSchema } from '../src/api/schemas.js';

let client: Client;

beforeAll(async () => {
  const { out } = await buildArticleIndex();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'mcp.ts')],
    cwd: PROJECT_ROOT,
    env: { ...(process.env as Record<string, string>), INDEX_DIR: out, LOG_LEVEL: 'warn' },
    stderr: 'pipe',
  });
  client = new Client({ name: 'semsearch-test', version: '1.0.0' });
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
});

describe('MCP server over stdio', () => {
  it('lists the search tool with its description and input schema', async () => {
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === TOOL_NAME)!;
    expect(tool.description).toMatch(/cite them by their \[n\] numbers/);
    expect(tool.inputSchema).toMatchObject({ type: 'object', required: ['query'] });
    expect(Object.keys(tool.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['query', 'top_k', 'mode', 'filter']));
    expect(tool.annotations?.readOnlyHint).toBe(true);
    expect(tool.outputSchema).toBeDefined();
  });

  it('answers a tool call with cited passages as text and the full response as structured content', async () => {
    const result = await client.callTool({
      name: TOOL_NAME,
      arguments: { query: 'What did the Russian Supreme Court do in April?', top_k: 3, min_relevance: 0 },
    });
    expect(result.isError).toBeFalsy();
    const text = (result.content as { type: string; text: string }[])[0]!.text;
    expect(text).toMatch(/^\[1\] Russia becomes the first country to formally recognize the Taliban regime — Russia removes the Taliban/);
    expect(text).toContain('Supreme Court removed the organization');
    expect(text).toContain('[3]');
    const structured = SearchResponseSchema.parse(result.structuredContent);
    expect(structured.results).toHaveLength(3);
    expect(structured.results[0]!.text).toContain('Supreme Court removed');
    expect(structured.context).toBe(text);
  });

  it('says so when the documents hold no answer', async () => {
    const result = await client.callTool({ name: TOOL_NAME, arguments: { query: 'How do I configure a Kubernetes ingress controller?' } });
    expect(result.isError).toBeFalsy();
    expect((result.content as { text: string }[])[0]!.text).toMatch(
      /^Nothing in these documents answers this question\..*Say so rather than guessing/,
    );
    const structured = SearchResponseSchema.parse(result.structuredContent);
    expect(structured.results).toEqual([]);
    expect(structured.no_answer?.best_relevance).toBeLessThan(structured.no_answer!.min_relevance);
  });

  it('reports bad arguments as an error the model can read', async () => {
    const result = await client.callTool({ name: TOOL_NAME, arguments: { query: '', top_k: 500 } });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]!.text).toMatch(/query|top_k/);
  });
});
