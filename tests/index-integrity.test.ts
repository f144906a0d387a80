/**
 * The manifest is the contract between build and query: every file is checked against it, and
 * every kind of damage is refused at load with a message naming the problem and the fix.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder, tempDir } from './helpers/article-index.js';
import { IndexLoadError, readIndexFiles } from '../src/index/read-index.js';
import { MANIFEST_FILE, type Manifest } from '../src/index/manifest.js';
import { buildIdOf } from '../src/index/consistency.js';
import { buildIndex } from '../src/index/build-index.js';
import { createService } from '../src/service.js';
import { createLogger } from '../src/api/logger.js';

let pristine: string;
let manifest: Manifest;

beforeAll(async () => {
  pristine = (await buildArticleIndex()).out;
  manifest = JSON.parse(fs.readFileSync(path.join(pristine, MANIFEST_FILE), 'utf8')) as Manifest;
});

function copyIndex(): string {
  const dir = tempDir('damaged');
  fs.cpSync(pristine, dir, { recursive: true });
  return dir;
}

async function loadError(dir: string): Promise<IndexLoadError> {
  try {
    await readIndexFiles(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(IndexLoadError);
    return err as IndexLoadError;
  }
  throw new Error('the damaged index loaded');
}

describe('index integrity', () => {
  it('loads the index as built', async () => {
    expect((await readIndexFiles(pristine)).manifest.counts.chunks).toBe(manifest.counts.chunks);
  });

  it('a missing index says how to build one', async () => {
    const err = await loadError(path.join(tempDir('empty'), 'nothing-here'));
    expect(err.problem).toBe('index_missing');
    expect(err.message).toMatch(/npm run build-index/);
  });

  it('a manifest that is not JSON is refused', async () => {
    const dir = copyIndex();
    fs.writeFileSync(path.join(dir, MANIFEST_FILE), '{"format": "semantic-search-index", ');
    const err = await loadError(dir);
    expect(err.problem).toBe('index_corrupt');
    expect(err.message).toMatch(/not valid JSON.*--force/);
  });

  it('a manifest of another format version is refused as incompatible', async () => {
    const dir = copyIndex();
    fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, format_version: 99 }));
    const err = await loadError(dir);
    expect(err.problem).toBe('index_incompatible');
    expect(err.message).toMatch(/format version 99/);
  });

  it('a manifest with a missing field names the field', async () => {
    const dir = copyIndex();
    const { embedder: _dropped, ...rest } = manifest;
    fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify(rest));
    expect((await loadError(dir)).message).toMatch(/field "embedder"/);
  });

  it('a manifest claiming another dimension is caught by the graph header', async () => {
    const dir = copyIndex();
    fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, embedder: { ...manifest.embedder, dimension: 384 } }));
    expect((await loadError(dir)).message).toMatch(/HNSW graph holds vectors of dimension 512, not 384/);
  });

  it('an index of format version 1 (vectors kept twice) is refused with the rebuild command, and the rebuild embeds nothing again', async () => {
    const dir = copyIndex();
    // The version-1 layout: the same files plus vectors-*.f32, named in the manifest.
    const { vectors } = await readIndexFiles(dir, { vectors: true });
    const raw = vectors.toBuffer();
    const name = `vectors-${createHash('sha256').update(raw).digest('hex').slice(0, 16)}.f32`;
    fs.writeFileSync(path.join(dir, name), raw);
    const v1 = {
      ...manifest,
      format_version: 1,
      files: { ...manifest.files, vectors: { name, bytes: raw.length, sha256: createHash('sha256').update(raw).digest('hex') } },
    };
    fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify(v1));
    const err = await loadError(dir);
    expect(err.problem).toBe('index_incompatible');
    expect(err.message).toMatch(
      /format version 1, this version reads 2\. Fix: rebuild it with `npm run build-index -- --corpus <your documents> --out .* --force`/,
    );
    const rebuilt = await buildArticleIndex(dir);
    expect(rebuilt.chunks).toMatchObject({ embedded: 0, reused: rebuilt.chunks.total });
    expect(fs.existsSync(path.join(dir, name))).toBe(false); // no second copy any more
    await readIndexFiles(dir);
  });

  for (const role of ['chunks', 'lexical', 'hnsw'] as const) {
    describe(`the ${role} file`, () => {
      it('missing', async () => {
        const dir = copyIndex();
        fs.rmSync(path.join(dir, manifest.files[role].name));
        const err = await loadError(dir);
        expect(err.problem).toBe('index_corrupt');
        expect(err.message).toContain(`${manifest.files[role].name} is missing`);
      });

      it('truncated', async () => {
        const dir = copyIndex();
        const file = path.join(dir, manifest.files[role].name);
        fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
        expect((await loadError(dir)).message).toMatch(/truncated or replaced/);
      });

      it('one byte flipped', async () => {
        const dir = copyIndex();
        const file = path.join(dir, manifest.files[role].name);
        const data = fs.readFileSync(file);
        data[Math.floor(data.length / 2)]! ^= 0x01;
        fs.writeFileSync(file, data);
        expect((await loadError(dir)).message).toContain(`${manifest.files[role].name} does not match its checksum`);
      });
    });
  }

  // Serving with the wrong embedder is tested with a real second model in transformers-embedder.test.ts.

  it('a damaged index makes the service answer 503 with the fix, never a crash', async () => {
    const dir = copyIndex();
    fs.rmSync(path.join(dir, manifest.files.hnsw.name));
    const embedder = await sharedEmbedder();
    const service = createService({
      config: { indexDir: dir, corsOrigins: ['*'] },
      logger: createLogger({ level: 'silent' }),
      loadEmbedder: async () => embedder,
    });
    await service.ready;
    const health = await service.app.request('/health');
    expect(health.status).toBe(503);
    const search = await service.app.request('/search?q=Taliban');
    expect(search.status).toBe(503);
    const body = (await search.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('index_unavailable');
    expect(body.error.message).toMatch(/hnsw-[0-9a-f]+\.hnsw is missing.*npm run build-index/);
  });

  /** /health and /search of a service over `dir`, loading embedders with `load`. */
  async function served(
    dir: string,
    load: (id: string) => Promise<import('../src/embed/embedder.js').Embedder>,
    apiKey?: () => Promise<string>,
  ) {
    const service = createService({
      config: { indexDir: dir, corsOrigins: ['*'], ...(apiKey ? { apiKey } : {}) },
      logger: createLogger({ level: 'silent' }),
      loadEmbedder: load,
    });
    await service.ready;
    const health = await service.app.request('/health');
    const search = await service.app.request('/search?q=Taliban', { headers: { 'x-api-key': 'k' } });
    return {
      health: { status: health.status, body: (await health.json()) as { message?: string } },
      search: { status: search.status, body: (await search.json()) as { error: { code: string; message: string } } },
    };
  }

  it.each([
    [
      'a model that is not installed',
      () => Promise.reject(new Error('model files for transformers:Xenova/bge-small-en-v1.5 are not in models/')),
    ],
    [
      'a warm-up failure in the embedder',
      async () =>
        Object.assign(Object.create(await sharedEmbedder()) as object, {
          embedQueries: () => Promise.reject(new Error('onnxruntime: failed to allocate')),
        }),
    ],
  ])('%s: every /search is a 503 index_unavailable with the cause and a fix, as /health says', async (_, load) => {
    const { health, search } = await served(pristine, load as never);
    expect(health.status).toBe(503);
    expect(search.status).toBe(503);
    expect(search.body.error.code).toBe('index_unavailable');
    expect(search.body.error.message).toMatch(/could not be loaded: .*(not in models|failed to allocate).*Fix: .*fetch-model.*build-index/);
  });

  it('an HNSW file the library cannot read is a 503 too', async () => {
    const dir = copyIndex();
    const hnsw = path.join(dir, manifest.files.hnsw.name);
    const garbage = Buffer.alloc(manifest.files.hnsw.bytes, 0xff); // same size; the checksum is updated to match
    fs.writeFileSync(hnsw, garbage);
    const sha = (await import('node:crypto')).createHash('sha256').update(garbage).digest('hex');
    fs.writeFileSync(
      path.join(dir, MANIFEST_FILE),
      JSON.stringify({ ...manifest, files: { ...manifest.files, hnsw: { ...manifest.files.hnsw, sha256: sha } } }),
    );
    const { search } = await served(dir, sharedEmbedder);
    expect(search.status).toBe(503);
    expect(search.body.error.code).toBe('index_unavailable');
  });

  it('an API key that cannot be read: /search is 503 auth_unavailable, /health reports it, nothing leaks', async () => {
    const { health, search } = await served(pristine, sharedEmbedder, () =>
      Promise.reject(new Error('AccessDeniedException: arn:aws:ssm:eu-west-1:123:parameter/secret')),
    );
    expect(search.status).toBe(503);
    expect(search.body.error.code).toBe('auth_unavailable');
    expect(JSON.stringify(search.body)).not.toContain('arn:aws');
    expect(health.status).toBe(503);
    expect(health.body.message).toMatch(/api key: the API key could not be read/);
  });

  describe('files that are not regular files are refused before a byte is read', () => {
    const replace = (dir: string, name: string, make: (file: string) => void) => {
      const file = path.join(dir, name);
      fs.rmSync(file);
      make(file);
    };
    const fifo = (file: string) => execFileSync('mkfifo', [file]);
    const devZero = (file: string) => fs.symlinkSync('/dev/zero', file);
    const directory = (file: string) => fs.mkdirSync(file);

    it.each([
      ['lexical', 'a symlink to /dev/zero', devZero],
      ['hnsw', 'a FIFO', fifo],
      ['chunks', 'a directory', directory],
    ] as const)('%s file replaced by %s', async (role, _, make) => {
      const dir = copyIndex();
      replace(dir, manifest.files[role].name, make);
      const err = await loadError(dir);
      expect(err.problem).toBe('index_corrupt');
      expect(err.message).toContain(`${manifest.files[role].name} is not a regular file`);
    });

    it('a manifest that is a FIFO', async () => {
      const dir = copyIndex();
      replace(dir, MANIFEST_FILE, fifo);
      expect((await loadError(dir)).message).toMatch(/manifest.json.*is not a regular file/);
    });

    it('a rebuild does not hang on a FIFO left under the name it would publish', async () => {
      const dir = copyIndex();
      replace(dir, manifest.files.hnsw.name, fifo);
      const report = await buildArticleIndex(dir, true);
      expect(report.status).toBe('built');
      await readIndexFiles(dir);
    });
  });

  describe('files from elsewhere, with the checksums in the manifest edited to match', () => {
    const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

    /**
     * A careful forger: replaces one file, fixes its size and checksum in the manifest and, with
     * `rebind`, also recomputes the build id and rewrites it into the JSON files, so that only the
     * deeper cross-checks are left to catch the swap.
     */
    function forge(dir: string, role: keyof Manifest['files'], data: Buffer, rebind = false): void {
      const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
      fs.writeFileSync(path.join(dir, m.files[role].name), data);
      m.files[role] = { ...m.files[role], bytes: data.length, sha256: sha(data) };
      if (rebind) {
        m.build_id = buildIdOf(m.corpus.fingerprint, m.files.hnsw);
        for (const json of ['chunks', 'lexical'] as const) {
          const file = path.join(dir, m.files[json].name);
          const text = JSON.stringify({ ...(JSON.parse(fs.readFileSync(file, 'utf8')) as object), build_id: m.build_id });
          fs.writeFileSync(file, text);
          m.files[json] = { ...m.files[json], bytes: Buffer.byteLength(text), sha256: sha(text) };
        }
      }
      fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify(m));
    }

    let other: { dir: string; manifest: Manifest };
    beforeAll(async () => {
      const corpus = tempDir('other-corpus');
      fs.writeFileSync(
        path.join(corpus, 'tides.txt'),
        `Tides\n\n${'The moon pulls the oceans and the tides follow it twice a day. '.repeat(60)}\n`,
      );
      const dir = tempDir('other-index');
      await buildIndex({ corpus, out: dir, embedder: await sharedEmbedder() });
      other = { dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest };
    });
    const otherFile = (role: keyof Manifest['files']) => fs.readFileSync(path.join(other.dir, other.manifest.files[role].name));

    it.each(['chunks', 'lexical', 'hnsw'] as const)("another index's %s file is caught by the build id", async (role) => {
      const dir = copyIndex();
      forge(dir, role, otherFile(role));
      expect((await loadError(dir)).message).toMatch(/another build/);
    });

    it('a graph of another dimension or size is caught by its header, before hnswlib reads it', async () => {
      const dir = copyIndex();
      const graph = fs.readFileSync(path.join(dir, manifest.files.hnsw.name));
      graph.writeBigUInt64LE(graph.readBigUInt64LE(32) - 512n, 32); // vectors 128 floats shorter
      forge(dir, 'hnsw', graph, true);
      expect((await loadError(dir)).message).toMatch(/HNSW graph holds vectors of dimension 384, not 512/);
    });

    it('postings that point past the last chunk', async () => {
      const dir = copyIndex();
      const lexical = JSON.parse(fs.readFileSync(path.join(dir, manifest.files.lexical.name), 'utf8')) as {
        terms: Record<string, { body?: number[] }>;
      };
      const term = Object.values(lexical.terms).find((t) => t.body)!;
      term.body![term.body!.length - 2] = manifest.counts.chunks + 5;
      forge(dir, 'lexical', Buffer.from(JSON.stringify(lexical)), true);
      expect((await loadError(dir)).message).toMatch(/postings list points outside the index/);
    });

    it('a graph whose vectors hold NaN', async () => {
      const dir = copyIndex();
      const graph = fs.readFileSync(path.join(dir, manifest.files.hnsw.name));
      const dataOffset = Number(graph.readBigUInt64LE(40));
      graph.writeFloatLE(Number.NaN, 96 + dataOffset); // the first element's first component
      forge(dir, 'hnsw', graph, true);
      expect((await loadError(dir)).message).toMatch(/vector \d+ component 0 is NaN/);
    });

    it('a graph whose elements repeat a label', async () => {
      const dir = copyIndex();
      const graph = fs.readFileSync(path.join(dir, manifest.files.hnsw.name));
      const [size, labelOffset] = [Number(graph.readBigUInt64LE(24)), Number(graph.readBigUInt64LE(32))];
      graph.writeBigUInt64LE(graph.readBigUInt64LE(96 + labelOffset), 96 + size + labelOffset); // element 1 takes element 0's label
      forge(dir, 'hnsw', graph, true);
      expect((await loadError(dir)).message).toMatch(/missing or repeated label/);
    });

    it('a chunk store of another corpus with the same counts', async () => {
      const dir = copyIndex();
      const store = JSON.parse(fs.readFileSync(path.join(dir, manifest.files.chunks.name), 'utf8')) as { documents: { id: string }[] };
      store.documents[0]!.id = 'someone-else.txt';
      forge(dir, 'chunks', Buffer.from(JSON.stringify(store)), true);
      expect((await loadError(dir)).message).toMatch(/document "someone-else.txt" does not match the manifest's corpus/);
    });
  });
});
