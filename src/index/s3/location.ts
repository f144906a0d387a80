/** `s3://bucket/prefix` as given to `build-index --out` and `INDEX_URI`. */

export interface S3Location {
  bucket: string;
  /** Without leading or trailing slashes; '' for the bucket's root. */
  prefix: string;
}

export function isS3Uri(value: string): boolean {
  return value.startsWith('s3://');
}

export function parseS3Uri(uri: string): S3Location {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!m) throw new Error(`"${uri}" is not an S3 location: write s3://bucket/prefix`);
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  // A "." or ".." segment would climb out of the local build folder named after the prefix, and an
  // empty one names a different key than it seems to: neither is a prefix anyone means.
  if (prefix?.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
    throw new Error(`"${uri}" has an empty, "." or ".." segment in its prefix: write s3://bucket/some/prefix`);
  return { bucket: m[1]!, prefix };
}

export function keyOf(location: S3Location, name: string): string {
  return location.prefix ? `${location.prefix}/${name}` : name;
}

export function uriOf(location: S3Location): string {
  return `s3://${location.bucket}${location.prefix ? `/${location.prefix}` : ''}`;
}
