/**
 * An index outside the package, in S3: published by `build-index --out s3://...`, served with
 * INDEX_URI, against a real S3 protocol server (s3rver) on loopback. Covers a half-published
 * index, a corrupted object, a missing bucket, and a new index picked up by a running service.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedEmbedder, tempDir, writeTidesCorpus } from './helpers/article-index.js';
import { buildWithCli, uniqueCorpus } from './helpers/build-cli.js';
import { freePort } from '../scripts/lib/free-port.js';
import { indexS3Client } from '../src/index/s3/client.js';
import { MANIFEST_FILE, type Manifest } from '../src/index/manifest.js';
import { createService } from '../src/service.js';
import { createLogger } from '../src/api/logger.js';
import { DEFAULT_CORPUS_DIR, PROJECT_ROOT } from '../src/paths.js';
import type { SearchResponse } from '../src/api/schemas.js';

const BUCKET = 'indexes';
/** s3rver's built-in account; the SDK reads these from the environment, as it would real ones. */
const S3RVER_KEYS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
let server: S3rver;
let endpoint: string;
let client: S3Client;

beforeAll(async () => {
  const port = await freePort();
  server = new S3rver({
    port,
    address: '127.0.0.1',
    silent: true,
    directory: tempDir('s3rver'),
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  Object.assign(process.env, S3RVER_KEYS, { S3_ENDPOINT: endpoint });
  client = await indexS3Client();
});

afterAll(async () => {
  await server?.close();
});

/** `npm run build-index -- --out s3://...` (or a folder) as a user runs it, against the local S3. */
async function publish(corpus: string, uri: string, options: string[] = []): Promise<{ stderr: string }> {
  const { code, stderr } = await buildWithCli(corpus, uri, { ...S3RVER_KEYS, S3_ENDPOINT: endpoint }, options);
  expect(code, stderr).toBe(0);
  return { stderr };
}

async function serve(uri: string, checkSeconds = 60) {
  const embedder = await sharedEmbedder();
  const service = createService({
    config: { indexDir: path.join(tempDir('unused'), 'index'), indexUri: uri, indexCheckSeconds: checkSeconds, corsOrigins: ['*'] },
    logger: createLogger({ level: 'silent' }),
    loadEmbedder: async () => embedder,
  });
  await service.ready;
  const ask = async (q: string) => {
    const res = await service.app.request(`/search?q=${encodeURIComponent(q)}&top_k=1&min_relevance=0`);
    return { status: res.status, body: (await res.json()) as SearchResponse & { error?: { code: string; message: string } } };
  };
  return { service, ask };
}

describe('an index in S3', () => {
  it('is published with build-index --out s3:// (data first, manifest last) and served through INDEX_URI', async () => {
    const out = await publish(DEFAULT_CORPUS_DIR, `s3://${BUCKET}/prod`);
    const uploads = [...out.stderr.matchAll(/upload: (\S+)/g)].map((m) => m[1]);
    expect(uploads.at(-1)).toBe(MANIFEST_FILE);
    const { ask } = await serve(`s3://${BUCKET}/prod`);
    const answer = await ask('What did the Russian Supreme Court do in April?');
    expect(answer.status).toBe(200);
    expect(answer.body.results[0]!.text).toContain('Supreme Court removed');
    // Publishing the same index again sends nothing but the manifest.
    const again = await publish(DEFAULT_CORPUS_DIR, `s3://${BUCKET}/prod`);
    expect([...again.stderr.matchAll(/upload: (\S+)/g)].map((m) => m[1])).toEqual([MANIFEST_FILE]);
  });

  it('right after a local build of the same corpus, a build into S3 embeds nothing: it reuses the vectors of that build', async () => {
    const corpus = tempDir('reuse-corpus');
    uniqueCorpus(corpus, fs.writeFileSync);
    const local = await publish(corpus, path.join(tempDir('reuse-local'), 'index'));
    expect(local.stderr).toMatch(/embedding (\d+) of \1 chunks \(0 reused\)/);
    const s3 = await publish(corpus, `s3://${BUCKET}/reuse`);
    expect(s3.stderr).toMatch(/embedding 0 of (\d+) chunks \(\1 reused\)/);
  });

  it('a half-published index is never seen: until its manifest lands, readers get the previous one', async () => {
    await publish(DEFAULT_CORPUS_DIR, `s3://${BUCKET}/half`);
    // The next build's data files arrive, its manifest does not (the publisher died).
    const tides = writeTidesCorpus();
    const local = tempDir('tides-index');
    const { buildIndex } = await import('../src/build/build-index.js');
    const built = await buildIndex({ corpus: tides, out: local, embedder: await sharedEmbedder() });
    for (const ref of Object.values(built.manifest.files)) {
      await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: `half/${ref.name}`, Body: fs.readFileSync(path.join(local, ref.name)) }),
      );
    }
    const { ask } = await serve(`s3://${BUCKET}/half`);
    expect((await ask('What did the Russian Supreme Court do in April?')).body.results[0]!.text).toContain('Supreme Court removed');
  });

  it('an object that does not match its checksum is refused with 503, and nothing half-downloaded is served', async () => {
    await publish(DEFAULT_CORPUS_DIR, `s3://${BUCKET}/corrupt`);
    const manifest = JSON.parse(
      fs.readFileSync(path.join(PROJECT_ROOT, '.cache', 's3-builds', BUCKET, 'corrupt', MANIFEST_FILE), 'utf8'),
    ) as Manifest;
    const ref = manifest.files.graph;
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `corrupt/${ref.name}`, Body: Buffer.alloc(ref.bytes, 7) }));
    const { ask } = await serve(`s3://${BUCKET}/corrupt`);
    const answer = await ask('Taliban');
    expect(answer.status).toBe(503);
    expect(answer.body.error!.code).toBe('index_unavailable');
    expect(answer.body.error!.message).toMatch(new RegExp(`${ref.name} does not match its checksum`));
    const cache = path.join(
      os.tmpdir(),
      'semsearch-index',
      createHash('sha256').update(`s3://${BUCKET}/corrupt`).digest('hex').slice(0, 12),
    );
    expect(fs.existsSync(cache) ? fs.readdirSync(cache) : []).toEqual([]); // no staging left, no copy kept
  });

  it('publishing again repairs an object garbled in place with its size and sha256 metadata kept; --force sends every file', async () => {
    // A prefix of its own: served copies are kept by content between runs, outside the bucket.
    const prefix = `repair-${Date.now()}`;
    const uri = `s3://${BUCKET}/${prefix}`;
    await publish(DEFAULT_CORPUS_DIR, uri);
    const manifest = JSON.parse(
      fs.readFileSync(path.join(PROJECT_ROOT, '.cache', 's3-builds', BUCKET, prefix, MANIFEST_FILE), 'utf8'),
    ) as Manifest;
    const garble = async (ref: Manifest['files']['graph']) =>
      client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `${prefix}/${ref.name}`,
          Body: Buffer.alloc(ref.bytes, 7),
          Metadata: { sha256: ref.sha256 },
        }),
      );
    await garble(manifest.files.graph);
    expect((await (await serve(uri)).ask('Taliban')).status).toBe(503);

    const again = await publish(DEFAULT_CORPUS_DIR, uri);
    expect([...again.stderr.matchAll(/upload: (\S+)/g)].map((m) => m[1])).toEqual([manifest.files.graph.name, MANIFEST_FILE]);
    expect((await (await serve(uri)).ask('Taliban')).status).toBe(200);

    await garble(manifest.files.vectors);
    const forced = await publish(DEFAULT_CORPUS_DIR, uri, ['--force']);
    const sent = [...forced.stderr.matchAll(/upload: (\S+)/g)].map((m) => m[1]);
    expect(sent.sort()).toEqual([...Object.values(manifest.files).map((f) => f.name), MANIFEST_FILE].sort());
    expect((await (await serve(uri)).ask('Taliban')).status).toBe(200);
    fs.rmSync(path.join(PROJECT_ROOT, '.cache', 's3-builds', BUCKET, prefix), { recursive: true, force: true });
  });

  for (const [forgery, edit, message] of [
    [
      'a file named ".."',
      (m: Manifest) => ({ ...m, files: { ...m.files, graph: { ...m.files.graph, name: '..' } } }),
      /not a valid manifest/,
    ],
    [
      'a size of 2^53-1',
      (m: Manifest) => ({ ...m, files: { ...m.files, graph: { ...m.files.graph, bytes: 2 ** 53 - 1 } } }),
      /not a valid manifest/,
    ],
  ] as const) {
    it(`a manifest forged with ${forgery} is a 503 with the cause, not a 500, and shows no local path`, async () => {
      const prefix = `forged-${forgery.length}`;
      await publish(DEFAULT_CORPUS_DIR, `s3://${BUCKET}/${prefix}`);
      const manifest = JSON.parse(
        fs.readFileSync(path.join(PROJECT_ROOT, '.cache', 's3-builds', BUCKET, prefix, MANIFEST_FILE), 'utf8'),
      ) as Manifest;
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/${MANIFEST_FILE}`, Body: JSON.stringify(edit(manifest)) }));
      const { ask } = await serve(`s3://${BUCKET}/${prefix}`);
      const answer = await ask('Taliban');
      expect(answer.status).toBe(503);
      expect(answer.body.error!.code).toBe('index_unavailable');
      expect(answer.body.error!.message).toMatch(message);
      expect(answer.body.error!.message).not.toContain(os.tmpdir());
    });
  }

  it('a prefix with ".." or an empty segment is refused before anything is built or uploaded', async () => {
    for (const uri of [`s3://${BUCKET}/../../../escape`, `s3://${BUCKET}/a//b`, `s3://${BUCKET}/./x`]) {
      const { code, stderr } = await buildWithCli(DEFAULT_CORPUS_DIR, uri, { ...S3RVER_KEYS, S3_ENDPOINT: endpoint });
      expect(code).toBe(1);
      expect(stderr).toMatch(/has an empty, "\." or "\.\." segment in its prefix/);
    }
    expect(fs.existsSync(path.join(PROJECT_ROOT, '.cache', 'escape'))).toBe(false);
  });

  it('an endpoint that accepts connections and never answers: a 503 at cold start, and once S3 is back the next check serves the index', async () => {
    await publish(writeTidesCorpus(), `s3://${BUCKET}/stalled`);
    // A proxy on loopback that swallows connections until it is told to pass them to the S3 server.
    let passing = false;
    const held: net.Socket[] = [];
    const proxy = net.createServer((socket) => {
      if (!passing) {
        held.push(socket);
        return;
      }
      const upstream = net.connect(Number(new URL(endpoint).port), '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const saved = { S3_ENDPOINT: process.env.S3_ENDPOINT, S3_TIMEOUT_MS: process.env.S3_TIMEOUT_MS };
    Object.assign(process.env, { S3_ENDPOINT: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`, S3_TIMEOUT_MS: '500' });
    try {
      const started = Date.now();
      const { ask } = await serve(`s3://${BUCKET}/stalled`, 1);
      const stalled = await ask('When are spring tides?');
      expect(stalled.status).toBe(503);
      expect(stalled.body.error!.code).toBe('index_unavailable');
      expect(Date.now() - started).toBeLessThan(15_000);
      passing = true;
      for (const socket of held) socket.destroy();
      await expect.poll(async () => (await ask('When are spring tides?')).status, { timeout: 20_000, interval: 500 }).toBe(200);
    } finally {
      Object.assign(process.env, saved);
      proxy.close();
    }
  });

  it('a missing bucket or prefix is a 503 naming it, with the command that publishes one', async () => {
    const bucket = await serve('s3://no-such-bucket/prod');
    const missing = await bucket.ask('Taliban');
    expect(missing.status).toBe(503);
    expect(missing.body.error!.message).toMatch(
      /no bucket "no-such-bucket".*npm run build-index -- --corpus <docs> --out s3:\/\/no-such-bucket\/prod/,
    );
    const prefix = await serve(`s3://${BUCKET}/nothing-here`);
    expect((await prefix.ask('Taliban')).body.error!.message).toMatch(
      /no index at s3:\/\/indexes\/nothing-here \(manifest.json not found\)/,
    );
  });

  it('a running service picks up a newly published index; requests keep being answered meanwhile', async () => {
    await publish(DEFAULT_CORPUS_DIR, `s3://${BUCKET}/live`);
    const { ask } = await serve(`s3://${BUCKET}/live`, 0);
    expect((await ask('What did the Russian Supreme Court do in April?')).body.results[0]!.text).toContain('Supreme Court removed');
    await publish(writeTidesCorpus(), `s3://${BUCKET}/live`);
    let text = '';
    for (let i = 0; i < 100 && !text.includes('Spring tides'); i++) {
      const answer = await ask('When do spring tides happen?');
      expect(answer.status).toBe(200); // the old index answers until the new one is ready
      text = answer.body.results[0]?.text ?? '';
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(text).toContain('Spring tides');
  });
});
