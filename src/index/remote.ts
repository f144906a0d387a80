/** An index kept elsewhere and brought to a local folder: in S3 (s3/download.ts) or a folder watched for rebuilds (local-source.ts). */
export interface RemoteIndex {
  readonly uri: string;
  fetch(ifNoneMatch?: string): Promise<{ dir: string; etag: string } | undefined>;
  prune(keep: string): void;
}
