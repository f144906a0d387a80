/**
 * The S3 client for indexes. `S3_ENDPOINT` points it at another S3 implementation (MinIO, s3rver
 * in the tests): path-style addressing, and checksums only where the protocol requires them, which
 * S3 look-alikes handle (the SDK's default trailing checksums corrupt uploads to some of them).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { isLoopback, LOOPBACK_CREDENTIALS } from '../../aws/loopback.js';

/** How long an S3 connection may take to open, and a request to go without an answer. */
export const DEFAULT_S3_TIMEOUT_MS = 10_000;

export async function indexS3Client(env: NodeJS.ProcessEnv = process.env): Promise<S3Client> {
  // Imported when needed: the SDK comes from the Lambda runtime, and a packaged index never needs it.
  const { S3Client } = await import('@aws-sdk/client-s3');
  // The pinned SDK runs on Node 20; its notice about future releases needing Node 22 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpoint = env.S3_ENDPOINT;
  // Every call ends: an endpoint that accepts connections and never answers would otherwise hold a
  // cold start, an index check (and every later one) or a publish forever.
  const timeoutMs = Number(env.S3_TIMEOUT_MS) > 0 ? Number(env.S3_TIMEOUT_MS) : DEFAULT_S3_TIMEOUT_MS;
  return new S3Client({
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
    maxAttempts: 2,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(endpoint && isLoopback(endpoint) && !env.AWS_ACCESS_KEY_ID ? { credentials: LOOPBACK_CREDENTIALS } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
