/**
 * AWS Lambda entry point. HTTP events (API Gateway REST v1 and HTTP API v2, Function URLs, ALB)
 * go through Hono's Lambda adapter; a direct invoke with a plain {"query": ...} payload is
 * answered with the same JSON the HTTP API returns. The model and index load during the init
 * phase, once per container.
 */
import type { Context as LambdaContext } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import type { Service } from '../service.js';
import { ApiError } from '../api/errors.js';
import { httpEventProblem, isHttpEvent } from './lambda-events.js';
import { answerBedrockAgent, isBedrockAgentEvent } from './bedrock-agent.js';

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
      return answerBedrockAgent(e, async (request) => service.app.fetch(request, { lambdaContext: context, trustedInvoke: true }));
    }
    if (isHttpEvent(e)) {
      const problem = httpEventProblem(e);
      if (problem) {
        // The caller's fault, logged as such: not an error of this function.
        service.logger.warn({ msg: 'malformed HTTP event', id: context?.awsRequestId, status: 400, problem });
        return httpResult(new ApiError(400, 'invalid_request', problem));
      }
      try {
        return await http(e as never, context as never);
      } catch (err) {
        service.logger.error({ msg: 'HTTP event failed', error: (err as Error).message });
        return httpResult(new ApiError(500, 'internal_error', 'the server failed to answer this request; it has been logged'));
      }
    }
    if (isDirectInvoke(e)) {
      const response = await service.app.fetch(
        new Request('https://lambda.invoke/search', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(e),
        }),
        // IAM already authorised a direct invoke: the HTTP API key does not apply to it.
        { lambdaContext: context, trustedInvoke: true },
      );
      const body = (await response.json()) as { error?: { code: string; message: string } };
      // A bad request is answered with its error body; a fault on this side (index unavailable)
      // fails the invocation, so Lambda reports a FunctionError and counts it in its metrics.
      if (response.status >= 500) throw new Error(`${body.error?.code ?? 'internal_error'}: ${body.error?.message ?? 'search failed'}`);
      return body;
    }
    return new ApiError(
      400,
      'invalid_request',
      'unrecognised event: send an API Gateway/Function URL HTTP event, or {"query": "..."} to invoke directly',
    ).toJSON();
  };
}
