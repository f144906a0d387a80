/**
 * An index kept in S3 (`INDEX_URI=s3://bucket/prefix`), brought to local disk for the searcher.
 * At cold start the manifest is read, then every file it names is downloaded with parallel
 * ranged reads, checked against the manifest's size and SHA-256, and only then moved into place
 * under a directory named after the manifest's own hash: a warm container (or a restart) with the
 * same manifest reuses it, and a half-downloaded or corrupt copy is never served. `poll` asks S3
 * whether the manifest changed (a conditional GET on its ETag) and fetches the new index if so.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { sha256 } from '../manifest.js';
import { MANIFEST_FILE, ManifestSchema, type FileRef, type Manifest } from '../manifest.js';
import { IndexLoadError } from '../read-index.js';
import { keyOf, uriOf, type S3Location } from './location.js';

export interface S3SourceOptions {
  /** Where downloaded indexes live (default: the system temp folder; /tmp on Lambda). */
  cacheRoot?: string;
  /** Ranged reads in flight at once, over all files. */
  concurrency?: number;
  /** Size of one ranged read. */
  rangeBytes?: number;
}

export interface FetchedIndex {
  dir: string;
  etag: string;
}

/** The SDK is imported when an S3 index is first read (see lazy-source.ts). */
const sdk = () => import('@aws-sdk/client-s3');

export class S3IndexSource {
  readonly uri: string;
  private readonly cacheRoot: string;
  private readonly concurrency: number;
  private readonly rangeBytes: number;

  constructor(
    private readonly location: S3Location,
    private readonly client: S3Client,
    options: S3SourceOptions = {},
  ) {
    this.uri = uriOf(location);
    // One folder per location: two sources never prune each other's copies.
    this.cacheRoot = options.cacheRoot ?? path.join(os.tmpdir(), 'semsearch-index', sha256(this.uri).slice(0, 12));
    this.concurrency = options.concurrency ?? 8;
    this.rangeBytes = options.rangeBytes ?? 8 * 1024 * 1024;
  }

  private unavailable(problem: 'index_missing' | 'index_corrupt' | 'load_failed', message: string): IndexLoadError {
    return new IndexLoadError(
      problem,
      message,
      `publish one with \`npm run build-index -- --corpus <docs> --out ${this.uri}\`, or check INDEX_URI and the function's S3 permissions`,
    );
  }

  /** The current index on local disk; with `ifNoneMatch`, undefined when the manifest has not changed. */
  async fetch(ifNoneMatch?: string): Promise<FetchedIndex | undefined> {
    const { GetObjectCommand } = await sdk();
    let bytes: Buffer;
    let etag: string;
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.location.bucket,
          Key: keyOf(this.location, MANIFEST_FILE),
          ...(ifNoneMatch ? { IfNoneMatch: ifNoneMatch } : {}),
        }),
      );
      bytes = Buffer.from(await out.Body!.transformToByteArray());
      etag = out.ETag ?? sha256(bytes);
    } catch (err) {
      const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      if (e.$metadata?.httpStatusCode === 304) return undefined;
      if (e.name === 'NoSuchBucket')
        throw this.unavailable('index_missing', `no bucket "${this.location.bucket}" for the index at ${this.uri}`);
      if (e.name === 'NoSuchKey') throw this.unavailable('index_missing', `no index at ${this.uri} (${MANIFEST_FILE} not found)`);
      throw this.unavailable(
        'load_failed',
        `the index at ${this.uri} could not be read: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`,
      );
    }
    const dir = path.join(this.cacheRoot, sha256(bytes).slice(0, 16));
    if (fs.existsSync(path.join(dir, MANIFEST_FILE))) return { dir, etag };
    let manifest: Manifest;
    try {
      manifest = ManifestSchema.parse(JSON.parse(bytes.toString('utf8')));
    } catch {
      throw this.unavailable('index_corrupt', `${this.uri}/${MANIFEST_FILE} is not a valid manifest`);
    }
    const staging = path.join(this.cacheRoot, `.staging-${randomBytes(6).toString('hex')}`);
    try {
      fs.mkdirSync(staging, { recursive: true });
      await this.downloadAll(Object.values(manifest.files), staging).catch((err: unknown) => {
        if (err instanceof IndexLoadError) throw err;
        // The local disk (full, a file too large for it): the index cannot be brought here.
        throw this.unavailable(
          'load_failed',
          `the index at ${this.uri} could not be stored locally (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      });
      fs.writeFileSync(path.join(staging, MANIFEST_FILE), bytes); // last: its presence marks a complete copy
      try {
        fs.renameSync(staging, dir);
      } catch {
        if (!fs.existsSync(path.join(dir, MANIFEST_FILE))) throw new Error(`could not move the downloaded index into ${dir}`);
      }
      return { dir, etag };
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }

  /** Every file, in ranges fetched `concurrency` at a time, each written at its offset, then verified. */
  private async downloadAll(refs: FileRef[], staging: string): Promise<void> {
    const { GetObjectCommand } = await sdk();
    const handles = new Map<string, fs.promises.FileHandle>();
    const ranges: { ref: FileRef; start: number; end: number }[] = [];
    try {
      for (const ref of refs) {
        const handle = await fs.promises.open(path.join(staging, ref.name), 'w');
        handles.set(ref.name, handle);
        await handle.truncate(ref.bytes);
        for (let start = 0; start < ref.bytes; start += this.rangeBytes)
          ranges.push({ ref, start, end: Math.min(ref.bytes, start + this.rangeBytes) - 1 });
      }
      let next = 0;
      const worker = async () => {
        while (next < ranges.length) {
          const { ref, start, end } = ranges[next++]!;
          const out = await this.client.send(
            new GetObjectCommand({ Bucket: this.location.bucket, Key: keyOf(this.location, ref.name), Range: `bytes=${start}-${end}` }),
          );
          const data = Buffer.from(await out.Body!.transformToByteArray());
          if (data.length !== end - start + 1)
            throw this.unavailable('index_corrupt', `${this.uri}/${ref.name} is shorter than the manifest says (${ref.bytes} bytes)`);
          await handles.get(ref.name)!.write(data, 0, data.length, start);
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, ranges.length) }, worker)).catch((err: unknown) => {
        const e = err as { name?: string };
        if (err instanceof IndexLoadError) throw err;
        if (e.name === 'NoSuchKey' || e.name === 'InvalidRange')
          throw this.unavailable(
            'index_corrupt',
            `${this.uri} is missing a file its manifest names, or holds a shorter one (an upload in progress or a damaged prefix)`,
          );
        throw this.unavailable('load_failed', `downloading ${this.uri} failed: ${(err as Error).message}`);
      });
    } finally {
      for (const handle of handles.values()) await handle.close();
    }
    for (const ref of refs) {
      const data = fs.readFileSync(path.join(staging, ref.name));
      if (data.length !== ref.bytes || sha256(data) !== ref.sha256)
        throw this.unavailable('index_corrupt', `${this.uri}/${ref.name} does not match its checksum in the manifest`);
    }
  }

  /** Removes downloaded indexes other than `keep` (the searcher holds what it loaded in memory). */
  prune(keep: string): void {
    if (!fs.existsSync(this.cacheRoot)) return;
    for (const entry of fs.readdirSync(this.cacheRoot)) {
      const full = path.join(this.cacheRoot, entry);
      if (full !== keep && !entry.startsWith('.staging-')) fs.rmSync(full, { recursive: true, force: true });
    }
  }
}
