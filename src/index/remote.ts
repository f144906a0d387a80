/**
 * An index kept elsewhere: in S3 (s3/download.ts) or a folder watched for rebuilds
 * (local-source.ts), both brought to a local folder, or in PostgreSQL (postgres/source.ts), opened
 * where it is.
 */
import type { IndexBackend } from './backend.js';

export type FetchedIndex = { etag: string } & ({ dir: string } | { open: () => Promise<IndexBackend> });

export interface RemoteIndex {
  readonly uri: string;
  /** The current index, or undefined when its version is still `ifNoneMatch`. */
  fetch(ifNoneMatch?: string): Promise<FetchedIndex | undefined>;
  /** Drops local copies other than `keep`. */
  prune(keep: string): void;
}
