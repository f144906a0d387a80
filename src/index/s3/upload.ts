/**
 * Publishes a built index to S3 so that a reader never sees half of it: the data files first,
 * under their content-addressed names (a file already there with the same size and checksum is
 * not sent again), and manifest.json last. Until the manifest is replaced, readers get the
 * previous index; after, every file it names is already in place. Files of earlier builds stay
 * (a reader may still be downloading them); a bucket lifecycle rule can expire them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MANIFEST_FILE, type FileRef } from '../manifest.js';
import { readManifest } from '../read-index.js';
import { keyOf, uriOf, type S3Location } from './location.js';

async function alreadyThere(client: S3Client, location: S3Location, ref: FileRef): Promise<boolean> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: keyOf(location, ref.name) }));
    return head.ContentLength === ref.bytes && head.Metadata?.sha256 === ref.sha256;
  } catch (err) {
    if ((err as { name?: string }).name === 'NotFound') return false;
    throw err;
  }
}

export interface UploadReport {
  uri: string;
  uploaded: string[];
  skipped: string[];
}

export async function uploadIndex(
  dir: string,
  location: S3Location,
  client: S3Client,
  log: (line: string) => void = () => {},
): Promise<UploadReport> {
  const manifest = readManifest(dir);
  const report: UploadReport = { uri: uriOf(location), uploaded: [], skipped: [] };
  for (const ref of Object.values(manifest.files)) {
    if (await alreadyThere(client, location, ref)) {
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
