/**
 * AWS Lambda entry point. HTTP events (API Gateway REST v1 and HTTP API v2, Function URLs, ALB)
 * go through Hono's Lambda adapter; a direct invoke with a plain {"query": ...} payload is
 * answered with the same JSON the HTTP API returns. The model and index load during the init
 * phase, once per container.
 */
import type { Context as LambdaContext } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import type { Service } from '../service.js';
import { ApiError, internalError } from '../api/errors.js';
import { toApiError } from '../api/search-api.js';
import { type CheckedEvent, checkHttpEvent, isHttpEvent } from './lambda-events.js';
import { lambdaBody } from '../api/read-body.js';
import { answerBedrockAgent, isBedrockAgentEvent } from './bedrock-agent.js';
import { Access, scopedApi } from '../api/access.js';
import { logRequest } from '../api/logger.js';

type Event = Record<string, unknown>;

function isDirectInvoke(event: Event): boolean {
  return !('requestContext' in event) && 'query' in event;
}

/** An error as an API Gateway proxy result (what an HTTP event expects back). */
function httpResult(error: ApiError) {
  return {
    statusCode: error.status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(error.toJSON()),
    isBase64Encoded: false,
  };
}

async function invokeAccess(service: Service, presented: unknown): Promise<Access> {
  if (presented === undefined) return Access.ALL;
  if (typeof presented !== 'string' || presented === '')
    throw new ApiError(400, 'invalid_request', '"api_key" must be the key as a string, or left out');
  if (!service.auth) return Access.ALL; // no keys configured: there is nothing to hold it to
  const access = await service.auth.access(presented);
  access.checkRoute('search');
  return access;
}

/**
 * A POST /search from an HTTP API or Function URL event, answered by the service's direct search
 * (the app's answer without the app; see direct-search.ts), or undefined for the app to answer.
 */
async function directSearch(service: Service, event: Event, checked: CheckedEvent, context: LambdaContext | undefined) {
  if (checked.shape !== 'http-api' || checked.method !== 'POST' || event.rawPath !== '/search') return undefined;
  const body = lambdaBody(event);
  if (!body) return undefined;
  const answer = await service.directSearch({ headers: checked.headers, body, lambdaId: context?.awsRequestId });
  // As Hono's adapter returns the app's answer to such an event.
  return answer && { body: answer.body, statusCode: answer.status, isBase64Encoded: false, headers: answer.headers };
}

export function createLambdaHandler(service: Service) {
  const http = handle(service.app);
  return async (event: unknown, context: LambdaContext): Promise<unknown> => {
    await service.ready;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return new ApiError(400, 'invalid_request', 'the event must be an HTTP event or a JSON object such as {"query": "..."}').toJSON();
    }
    const e = event as Event;
    // Bedrock's events carry httpMethod too: recognise them before HTTP events.
    if (isBedrockAgentEvent(e)) {
      // The agent's own IAM role was allowed to invoke the function: no HTTP API key applies.
      return answerBedrockAgent(e, service.api.search);
    }
    if (isHttpEvent(e)) {
      const checked = checkHttpEvent(e);
      if ('problem' in checked) {
        // The caller's fault, logged as such: not an error of this function.
        service.logger.warn({ msg: 'malformed HTTP event', id: context?.awsRequestId, status: 400, problem: checked.problem });
        return httpResult(new ApiError(400, 'invalid_request', checked.problem));
      }
      try {
        const direct = await directSearch(service, e, checked, context);
        if (direct) return direct;
        return await http(e as never, context as never);
      } catch (err) {
        service.logger.error({ msg: 'HTTP event failed', error: (err as Error).message });
        return httpResult(internalError());
      }
    }
    if (isDirectInvoke(e)) {
      // IAM already authorised a direct invoke, to everything; one that presents an API key
      // ("api_key" beside the query) is held to that key's collections, as over HTTP.
      const started = performance.now();
      try {
        const { api_key: presented, ...request } = e;
        const access = await invokeAccess(service, presented);
        const response = await scopedApi(service.api, access, () => service.collections.names()).search(request);
        logRequest(service.logger, {
          id: context?.awsRequestId,
          door: 'invoke',
          status: 200,
          startedAt: started,
          results: response.results.length,
          collection: response.collection,
          mode: response.mode,
        });
        return response;
      } catch (err) {
        const error = toApiError(err);
        logRequest(service.logger, {
          id: context?.awsRequestId,
          door: 'invoke',
          status: error.status,
          startedAt: started,
          error: error.message,
        });
        // A bad request is answered with its error body; a fault on this side (index unavailable)
        // fails the invocation, so Lambda reports a FunctionError and counts it in its metrics.
        if (error.status >= 500) throw new Error(`${error.code}: ${error.message}`);
        return error.toJSON();
      }
    }
    return new ApiError(
      400,
      'invalid_request',
      'unrecognised event: send an API Gateway/Function URL HTTP event, or {"query": "..."} to invoke directly',
    ).toJSON();
  };
}
