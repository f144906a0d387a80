/**
 * Everything a chat assistant plugs into: the OpenAPI 3.1 document (checked by a real validator),
 * the function-calling tool definition, prompt-ready context, and Amazon Bedrock Agents events.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder } from './helpers/article-index.js';
import { lambdaContext } from '../scripts/lib/lambda-events.js';
import { createService, type Service } from '../src/service.js';
import { createLambdaHandler } from '../src/adapters/lambda.js';
import { createLogger } from '../src/api/logger.js';
import { functionToolDefinition, TOOL_NAME } from '../src/api/tool.js';
import { SearchRequestSchema, type SearchResponse } from '../src/api/schemas.js';

let service: Service;
let handler: ReturnType<typeof createLambdaHandler>;

beforeAll(async () => {
  const { out } = await buildArticleIndex();
  const embedder = await sharedEmbedder();
  service = createService({
    config: { indexDir: out, corsOrigins: ['*'] },
    logger: createLogger({ level: 'silent' }),
    loadEmbedder: async () => embedder,
  });
  handler = createLambdaHandler(service);
});

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const doc = (await (await service.app.request('/openapi.json')).json()) as Record<string, unknown>;
    const result = await new Validator().validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('describes exactly what the validator accepts (one schema for both)', async () => {
    const doc = (await (await service.app.request('/openapi.json')).json()) as {
      components: { schemas: Record<string, { properties: object; required: string[]; additionalProperties: boolean }> };
    };
    const documented = doc.components.schemas.SearchRequest!;
    expect(Object.keys(documented.properties).sort()).toEqual(Object.keys(SearchRequestSchema.shape).sort());
    expect(documented.required).toEqual(['query']);
    expect(documented.additionalProperties).toBe(false);
    const res = await service.app.request('/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'x', undocumented: 1 }),
    });
    expect(res.status).toBe(400);
  });
});

describe('function-calling tool definition', () => {
  it('is served at /tool.json, in the {type, name, description, parameters} form', async () => {
    const served = await (await service.app.request('/tool.json')).json();
    expect(served).toEqual(functionToolDefinition());
    expect(served).toMatchObject({ type: 'function', name: TOOL_NAME, parameters: { type: 'object', required: ['query'] } });
  });

  it('its parameters are a JSON Schema that accepts what the API accepts and refuses the rest', () => {
    const validate = new Ajv({ strict: false }).compile(functionToolDefinition().parameters);
    expect(validate({ query: 'Who recognized the Taliban?', top_k: 3, filter: { doc_id: 'article.txt' } })).toBe(true);
    expect(validate({ top_k: 3 })).toBe(false);
    expect(validate({ query: 'x', top_k: 0 })).toBe(false);
    expect(validate({ query: 'x', mode: 'fuzzy' })).toBe(false);
  });
});

describe('prompt-ready context', () => {
  async function ask(body: object): Promise<SearchResponse> {
    const res = await service.app.request('/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as SearchResponse;
  }

  it('packs the top passages into the character budget with citations matching the ranks', async () => {
    const out = await ask({ query: 'How did Russia recognize the Taliban?', top_k: 5, context: { max_chars: 900 } });
    const context = out.context!;
    expect(context.length).toBeLessThanOrEqual(900);
    expect(context.startsWith(`[1] ${out.results[0]!.title}`)).toBe(true);
    const cited = [...context.matchAll(/^\[(\d+)\] /gm)].map((m) => Number(m[1]));
    expect(cited).toEqual(cited.map((_, i) => i + 1));
    cited.forEach((n) => {
      expect(context).toContain(out.results[n - 1]!.text.slice(0, 60));
    });
  });

  it('honours a token budget (4 characters a token) and cuts the best passage rather than return nothing', async () => {
    const out = await ask({ query: 'How did Russia recognize the Taliban?', context: { max_tokens: 60 } });
    expect(out.context!.length).toBeLessThanOrEqual(240);
    expect(out.context).toMatch(/^\[1\] .*\n.+…$/s);
  });

  it('shortens the citation rather than return nothing when the budget is smaller than it', async () => {
    for (const max_chars of [100, 150, 200]) {
      const out = await ask({ query: 'What did the Russian Supreme Court do in April?', context: { max_chars } });
      expect(out.context!.length).toBeLessThanOrEqual(max_chars);
      expect(out.context).toMatch(/^\[1\][^\n]*\n.{20,}…$/s);
    }
  });

  it('is absent unless asked for', async () => {
    expect((await ask({ query: 'Taliban' })).context).toBeUndefined();
  });
});

describe('Amazon Bedrock Agents', () => {
  /** The shape Bedrock sends for an action group defined with an OpenAPI schema (POST /search). */
  const openApiEvent = (properties: { name: string; type: string; value: string }[], apiPath = '/search') => ({
    messageVersion: '1.0',
    agent: { name: 'docs-agent', id: 'AGENT123', alias: 'TSTALIASID', version: 'DRAFT' },
    inputText: 'Which country first recognized the Taliban government?',
    sessionId: '111122223333444',
    actionGroup: 'search-documents',
    apiPath,
    httpMethod: 'POST',
    parameters: [],
    requestBody: { content: { 'application/json': { properties } } },
    sessionAttributes: { tenant: 'acme' },
    promptSessionAttributes: {},
  });

  /** What the agent gets back for an OpenAPI-style action. */
  type OpenApiAnswer = {
    messageVersion: string;
    response: {
      actionGroup: string;
      apiPath: string;
      httpMethod: string;
      httpStatusCode: number;
      responseBody: Record<string, { body: string }>;
    };
    sessionAttributes: object;
  };
  const askAgent = async (properties: Parameters<typeof openApiEvent>[0], apiPath?: string) =>
    (await handler(openApiEvent(properties, apiPath), lambdaContext as never)) as OpenApiAnswer;

  it('answers an OpenAPI-style action with the agent response format and cited passages', async () => {
    const res = await askAgent([
      { name: 'query', type: 'string', value: 'Which country first recognized the Taliban government?' },
      { name: 'top_k', type: 'integer', value: '2' },
      { name: 'min_relevance', type: 'number', value: '0' },
    ]);
    expect(res).toMatchObject({
      messageVersion: '1.0',
      response: { actionGroup: 'search-documents', apiPath: '/search', httpMethod: 'POST', httpStatusCode: 200 },
      sessionAttributes: { tenant: 'acme' },
    });
    const body = JSON.parse(res.response.responseBody['application/json']!.body) as {
      context: string;
      results: { rank: number; snippet: string }[];
    };
    expect(body.results).toHaveLength(2);
    expect(body.context).toMatch(/^\[1\] /);
    expect(body.context).toContain('Moscow received the credentials');
  });

  it('answers a function-style action (function details instead of an API schema)', async () => {
    const res = (await handler(
      {
        messageVersion: '1.0',
        agent: { name: 'docs-agent', id: 'AGENT123', alias: 'TSTALIASID', version: 'DRAFT' },
        inputText: 'flag',
        sessionId: 's',
        actionGroup: 'search-documents',
        function: TOOL_NAME,
        parameters: [
          { name: 'query', type: 'string', value: 'Which flag was raised at the embassy?' },
          { name: 'filter', type: 'object', value: '{"doc_id": "article.txt"}' },
        ],
        sessionAttributes: {},
        promptSessionAttributes: {},
      },
      lambdaContext as never,
    )) as { response: { function: string; functionResponse: { responseBody: { TEXT: { body: string } } } } };
    expect(res.response.function).toBe(TOOL_NAME);
    expect(JSON.parse(res.response.functionResponse.responseBody.TEXT.body).context).toContain('flag of the Taliban-imposed Afghan state');
  });

  it('reports bad input and unknown paths with the status in the agent format', async () => {
    const bad = await askAgent([
      { name: 'query', type: 'string', value: 'x' },
      { name: 'top_k', type: 'integer', value: '500' },
    ]);
    expect(bad.response.httpStatusCode).toBe(400);
    expect(JSON.parse(bad.response.responseBody['application/json']!.body).error.code).toBe('invalid_request');
    const unknown = await askAgent([], '/delete-everything');
    expect(unknown.response.httpStatusCode).toBe(404);
  });
});
