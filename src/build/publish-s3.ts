/**
 * Publishes a built index to S3 so that a reader never sees half of it: the data files first,
 * under their content-addressed names (a file already there with the same bytes is not sent
 * again), and manifest.json last. Until the manifest is replaced, readers get the
 * previous index; after, every file it names is already in place. Files of earlier builds stay
 * (a reader may still be downloading them); a bucket lifecycle rule can expire them.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MANIFEST_FILE, type FileRef } from '../index/manifest.js';
import { readManifest } from '../index/read-index.js';
import { keyOf, uriOf, type S3Location } from '../index/s3/location.js';

async function md5Of(file: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * True when the object holds the file's bytes. Its size and sha256 metadata are only the uploader's
 * word (an object rewritten in place can keep both), so S3's own digest of what it stores must
 * agree too: the ETag of a single-part upload is the MD5 of its bytes. Where it is not (server-side
 * encryption with KMS), the file is sent again: a wasted upload, never a skipped repair.
 */
async function alreadyThere(client: S3Client, location: S3Location, ref: FileRef, file: string): Promise<boolean> {
  let head: { ContentLength?: number | undefined; Metadata?: Record<string, string> | undefined; ETag?: string | undefined };
  try {
    head = await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: keyOf(location, ref.name) }));
  } catch (err) {
    if ((err as { name?: string }).name === 'NotFound') return false;
    throw err;
  }
  if (head.ContentLength !== ref.bytes || head.Metadata?.sha256 !== ref.sha256) return false;
  return head.ETag?.replaceAll('"', '') === (await md5Of(file));
}

export interface UploadReport {
  uri: string;
  uploaded: string[];
  skipped: string[];
}

export interface UploadOptions {
  log?: (line: string) => void;
  /** Send every file, whatever the bucket already holds. */
  force?: boolean;
}

export async function uploadIndex(dir: string, location: S3Location, client: S3Client, options: UploadOptions = {}): Promise<UploadReport> {
  const log = options.log ?? (() => {});
  const manifest = readManifest(dir);
  const report: UploadReport = { uri: uriOf(location), uploaded: [], skipped: [] };
  for (const ref of Object.values(manifest.files)) {
    if (!options.force && (await alreadyThere(client, location, ref, path.join(dir, ref.name)))) {
      report.skipped.push(ref.name);
      continue;
    }
    log(`upload: ${ref.name} (${ref.bytes} bytes) to ${report.uri}`);
    await client.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: keyOf(location, ref.name),
        Body: fs.createReadStream(path.join(dir, ref.name)),
        ContentLength: ref.bytes,
        Metadata: { sha256: ref.sha256 },
      }),
    );
    report.uploaded.push(ref.name);
  }
  const manifestBytes = fs.readFileSync(path.join(dir, MANIFEST_FILE));
  await client.send(
    new PutObjectCommand({
      Bucket: location.bucket,
      Key: keyOf(location, MANIFEST_FILE),
      Body: manifestBytes,
      ContentType: 'application/json',
    }),
  );
  log(`upload: ${MANIFEST_FILE} to ${report.uri}: published`);
  return report;
}
