/**
 * A client that invokes the function directly through the Lambda API (@aws-sdk/client-lambda):
 * no HTTP endpoint needed, IAM decides who may call. Region, profile and endpoint (for a local
 * emulator such as serverless-offline) are options.
 */
import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { SearchResponse } from '../api/schemas.js';
import { parseAnswer, SearchClientError, type SearchInput } from './http-client.js';
import { isLoopback, LOOPBACK_CREDENTIALS } from '../aws/loopback.js';

export interface LambdaClientOptions {
  region?: string;
  profile?: string;
  /** e.g. http://127.0.0.1:3002 for serverless-offline's Lambda API. */
  endpoint?: string;
  /** Sent as "api_key": the function then answers only what that key may read. */
  apiKey?: string;
}

/** The HTTP status an error code stands for, where it is not 400. */
const STATUS_OF = new Map([
  ['unauthorized', 401],
  ['forbidden', 403],
  ['unknown_collection', 404],
]);

export class LambdaSearchClient {
  private readonly client: LambdaClient;
  private readonly apiKey: string | undefined;

  constructor(
    private readonly functionName: string,
    options: LambdaClientOptions = {},
  ) {
    // The pinned SDK runs on Node 20; its notice about future releases needing Node 22 is noise here.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.apiKey = options.apiKey;
    const local = options.endpoint !== undefined && isLoopback(options.endpoint);
    this.client = new LambdaClient({
      ...(options.region ? { region: options.region } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(local && !options.profile ? { credentials: LOOPBACK_CREDENTIALS } : {}),
    });
  }

  async search(request: SearchInput): Promise<SearchResponse> {
    let out: InvokeCommandOutput;
    try {
      out = await this.client.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          Payload: new TextEncoder().encode(JSON.stringify(this.apiKey ? { ...request, api_key: this.apiKey } : request)),
        }),
      );
    } catch (err) {
      const e = err as Error & { name: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'ResourceNotFoundException')
        throw new SearchClientError(`no Lambda function named "${this.functionName}" (${e.message})`, 404, 'function_not_found');
      throw new SearchClientError(`invoking ${this.functionName} failed: ${e.name}: ${e.message}`, e.$metadata?.httpStatusCode);
    }
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    const body = parseAnswer(text, `${this.functionName} returned`);
    if (out.FunctionError) {
      const message = (body as { errorMessage?: string }).errorMessage ?? text;
      throw new SearchClientError(`${this.functionName} failed (${out.FunctionError}): ${message}`, 500, 'function_error');
    }
    const error = (body as { error?: { code: string; message: string } }).error;
    if (error) throw new SearchClientError(error.message, STATUS_OF.get(error.code) ?? 400, error.code);
    return body as SearchResponse;
  }
}
