/**
 * Lambda events in the shapes AWS sends them (API Gateway HTTP API v2 / Function URL payload 2.0,
 * REST API v1 proxy), for driving the real handler (tests, and the warm-start benchmark).
 */

export interface HttpCall {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  base64?: boolean;
}

export function apiGatewayV2Event(call: HttpCall, kind: 'http-api' | 'function-url' = 'http-api') {
  const rawQueryString = new URLSearchParams(call.query ?? {}).toString();
  const domainName = kind === 'function-url' ? 'abcdefghij.lambda-url.eu-west-1.on.aws' : 'abc123.execute-api.eu-west-1.amazonaws.com';
  return {
    version: '2.0',
    routeKey: kind === 'function-url' ? '$default' : `${call.method} ${call.path}`,
    rawPath: call.path,
    rawQueryString,
    ...(call.query ? { queryStringParameters: call.query } : {}),
    headers: { host: domainName, 'user-agent': 'vitest', ...(call.headers ?? {}) },
    requestContext: {
      accountId: kind === 'function-url' ? 'anonymous' : '123456789012',
      apiId: 'abc123',
      domainName,
      domainPrefix: domainName.split('.')[0],
      http: { method: call.method, path: call.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '27/Nov/2026:21:00:00 +0000',
      timeEpoch: 1795813200000,
    },
    ...(call.body !== undefined ? { body: call.body, isBase64Encoded: call.base64 ?? false } : { isBase64Encoded: false }),
  };
}

export function apiGatewayV1Event(call: HttpCall) {
  const headers = { Host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'User-Agent': 'vitest', ...(call.headers ?? {}) };
  return {
    resource: call.path,
    path: call.path,
    httpMethod: call.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: call.query ?? null,
    multiValueQueryStringParameters: call.query ? Object.fromEntries(Object.entries(call.query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      httpMethod: call.method,
      path: `/dev${call.path}`,
      protocol: 'HTTP/1.1',
      requestId: 'req-1',
      resourcePath: call.path,
      stage: 'dev',
      identity: { sourceIp: '203.0.113.7', userAgent: 'vitest' },
    },
    body: call.body ?? null,
    isBase64Encoded: call.base64 ?? false,
  };
}

export const lambdaContext = {
  awsRequestId: 'test-request-id',
  functionName: 'semantic-search',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:semantic-search',
  memoryLimitInMB: '1024',
  logGroupName: '/aws/lambda/semantic-search',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 10_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
};

export interface HttpResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

/** POSTs a search as an HTTP API (v2) event through a Lambda handler; expects 200 and returns the body. */
export async function searchViaHttpApi<T>(handler: (event: unknown, context: never) => Promise<unknown>, body: object): Promise<T> {
  const res = (await handler(
    apiGatewayV2Event({ method: 'POST', path: '/search', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    lambdaContext as never,
  )) as HttpResult;
  if (res.statusCode !== 200) throw new Error(`expected 200, got ${res.statusCode}: ${res.body}`);
  return JSON.parse(res.body) as T;
}
