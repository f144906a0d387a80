/**
 * Amazon Bedrock Agents action groups. An agent calls the function with its own event shape
 * (OpenAPI-defined action: apiPath /search, parameters and request-body properties as strings;
 * or function-defined action: function search_documents) and expects its own response shape.
 * The search itself is the API's, as for HTTP requests.
 */
import { z } from 'zod';
import { TOOL_NAME } from '../api/tool.js';
import { toApiError } from '../api/search-api.js';
import type { SearchResponse } from '../api/schemas.js';

const Parameter = z.object({ name: z.string(), type: z.string().optional(), value: z.string() });

/** The fields an agent's event must have right; the identifying ones are checked by isBedrockAgentEvent. */
const AgentEvent = z.object({
  messageVersion: z.string(),
  actionGroup: z.string(),
  apiPath: z.string().optional(),
  httpMethod: z.string().optional(),
  function: z.string().optional(),
  parameters: z.array(Parameter).optional(),
  requestBody: z.object({ content: z.record(z.string(), z.object({ properties: z.array(Parameter).optional() })).optional() }).optional(),
  sessionAttributes: z.record(z.string(), z.unknown()).optional(),
  promptSessionAttributes: z.record(z.string(), z.unknown()).optional(),
});

type AgentParameter = z.infer<typeof Parameter>;
export type BedrockAgentEvent = z.infer<typeof AgentEvent>;

export function isBedrockAgentEvent(event: Record<string, unknown>): event is Record<string, unknown> & BedrockAgentEvent {
  return (
    typeof event.messageVersion === 'string' &&
    typeof event.actionGroup === 'string' &&
    (typeof event.apiPath === 'string' || typeof event.function === 'string')
  );
}

/** Agent parameters arrive as strings with a declared type; give them their JSON types back. */
function typed(p: AgentParameter): unknown {
  const t = (p.type ?? 'string').toLowerCase();
  if (t === 'integer' || t === 'number') return Number(p.value);
  if (t === 'boolean') return p.value === 'true';
  if (t === 'array' || t === 'object') {
    try {
      return JSON.parse(p.value);
    } catch {
      return t === 'array' ? p.value.split(',').map((s) => s.trim()) : p.value;
    }
  }
  return p.value;
}

function requestFrom(event: BedrockAgentEvent): Record<string, unknown> {
  const props = [...(event.parameters ?? []), ...Object.values(event.requestBody?.content ?? {}).flatMap((c) => c.properties ?? [])];
  const request: Record<string, unknown> = Object.fromEntries(props.map((p) => [p.name, typed(p)]));
  // Agents paste results into their prompt: a packed, cited context is what they need.
  request.context ??= { max_chars: 8000 };
  return request;
}

/** The compact body an agent gets: the packed context, and each result without its full text. */
function forAgent(body: SearchResponse): Record<string, unknown> {
  return {
    query: body.query,
    context: body.context,
    results: body.results.map(({ rank, id, title, snippet, score, source }) => ({
      rank,
      id,
      title,
      snippet,
      score,
      source,
    })),
  };
}

export async function answerBedrockAgent(event: BedrockAgentEvent, search: (body: unknown) => Promise<SearchResponse>) {
  const known = event.apiPath !== undefined ? event.apiPath === '/search' : event.function === TOOL_NAME;
  const shape = AgentEvent.safeParse(event);
  let status = 404;
  let body: Record<string, unknown> = {
    error: {
      code: 'not_found',
      message: `this action group offers ${event.apiPath !== undefined ? 'apiPath /search' : `the function ${TOOL_NAME}`} only`,
    },
  };
  if (!shape.success) {
    status = 400;
    body = {
      error: {
        code: 'invalid_request',
        message: `malformed agent event: ${shape.error.issues[0]!.path.join('.')}: ${shape.error.issues[0]!.message}`,
      },
    };
    event = { ...event, sessionAttributes: {}, promptSessionAttributes: {} };
  } else if (known) {
    try {
      status = 200;
      body = forAgent(await search(requestFrom(event)));
    } catch (err) {
      const error = toApiError(err);
      status = error.status;
      body = error.toJSON();
    }
  }
  const text = JSON.stringify(body);
  const attributes = { sessionAttributes: event.sessionAttributes ?? {}, promptSessionAttributes: event.promptSessionAttributes ?? {} };
  if (event.apiPath !== undefined) {
    return {
      messageVersion: '1.0',
      response: {
        actionGroup: event.actionGroup,
        apiPath: event.apiPath,
        httpMethod: event.httpMethod ?? 'POST',
        httpStatusCode: status,
        responseBody: { 'application/json': { body: text } },
      },
      ...attributes,
    };
  }
  return {
    messageVersion: '1.0',
    response: {
      actionGroup: event.actionGroup,
      function: event.function,
      functionResponse: { ...(status >= 400 ? { responseState: 'REPROMPT' } : {}), responseBody: { TEXT: { body: text } } },
    },
    ...attributes,
  };
}
