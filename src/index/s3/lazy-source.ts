/**
 * An S3 index source whose AWS SDK is imported on first use: a function that serves a packaged
 * index never loads the S3 client (cold start), and the SDK comes from the Lambda runtime.
 */
import type { RemoteIndex } from '../remote.js';
import type { S3IndexSource } from './download.js';
import { parseS3Uri, uriOf } from './location.js';

export function lazyS3Source(uri: string): RemoteIndex {
  const location = parseS3Uri(uri); // a malformed INDEX_URI fails at start-up, not at the first request
  let source: Promise<S3IndexSource> | undefined;
  let loaded: S3IndexSource | undefined;
  const get = () =>
    (source ??= Promise.all([import('./download.js'), import('./client.js')]).then(([d, c]) =>
      c.indexS3Client().then((client) => (loaded = new d.S3IndexSource(location, client))),
    ));
  return {
    uri: uriOf(location),
    fetch: async (ifNoneMatch) => (await get()).fetch(ifNoneMatch),
    prune: (keep) => loaded?.prune(keep),
  };
}
