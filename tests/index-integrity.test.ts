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
import { IndexLoadError, readIndexFiles, readWholeIndex } from '../src/index/read-index.js';
import { ChunkTable, encodeChunkTable } from '../src/index/chunk-table.js';
import { encodePostings, PostingsTable } from '../src/index/postings-table.js';
import { Sections, writeSections } from '../src/index/sections.js';
import { HnswIndex } from '../src/build/hnsw.js';
import { hnswSettings } from '../src/build/settings.js';
import { MANIFEST_FILE, type Manifest } from '../src/index/manifest.js';
import { buildIdOf } from '../src/index/consistency.js';
import { buildIndex } from '../src/build/build-index.js';
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

  it('a manifest claiming another dimension is caught by the size of the vectors file', async () => {
    const dir = copyIndex();
    fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, embedder: { ...manifest.embedder, dimension: 384 } }));
    expect((await loadError(dir)).message).toMatch(/vectors-[0-9a-f]+\.bin: it holds vectors of dimension 512, not 384/);
  });

  /**
   * Rewrites the index at `dir` in an earlier layout, from its own contents: the chunks as JSON,
   * and the vectors in vectors-*.f32 (version 1) or inside hnswlib's graph file (version 2);
   * version 3's first binary chunk table (documents in its header, each chunk's input hash in a
   * column) beside today's vector file.
   */
  async function olderLayout(dir: string, version: 1 | 2 | 3): Promise<string[]> {
    const { store, floatVectors, chunks: table } = await readWholeIndex(dir);
    const vectorBytes = fs.readFileSync(path.join(dir, manifest.files.vectors.name));
    for (const ref of Object.values(manifest.files)) fs.rmSync(path.join(dir, ref.name));
    const write = (role: string, ext: string, data: Buffer) => {
      const sha256 = createHash('sha256').update(data).digest('hex');
      const name = `${role}-${sha256.slice(0, 16)}.${ext}`;
      fs.writeFileSync(path.join(dir, name), data);
      return { name, bytes: data.length, sha256 };
    };
    let files: Record<string, { name: string }>;
    if (version === 3) {
      const hashes = Buffer.concat(Array.from({ length: table.count }, (_, i) => Buffer.from(table.hash(i), 'hex')));
      const v3 = writeSections('SSCHUNK1', { build_id: manifest.build_id, documents: store.documents, sections: [] }, [['hash', hashes]]);
      files = { chunks: write('chunks', 'bin', v3), vectors: write('vectors', 'bin', vectorBytes) };
      const corpus = { ...manifest.corpus, documents: store.documents.map((d) => ({ id: d.id, hash: d.id, chunks: d.count })) };
      fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, format_version: 3, corpus, files }));
      return Object.values(files).map((f) => f.name);
    }
    const chunks = write('chunks', 'json', Buffer.from(JSON.stringify(store)));
    if (version === 1) files = { chunks, vectors: write('vectors', 'f32', floatVectors.toBuffer()) };
    else {
      const scratch = path.join(tempDir('hnswlib'), 'graph.hnsw');
      HnswIndex.build(floatVectors, hnswSettings(manifest.hnsw)).write(scratch);
      files = { chunks, hnsw: write('hnsw', 'hnsw', fs.readFileSync(scratch)) };
    }
    fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, format_version: version, files }));
    return Object.values(files).map((f) => f.name);
  }

  it.each([1, 2, 3] as const)(
    'an index of format version %i is refused with the rebuild command, and the rebuild embeds nothing again',
    async (version) => {
      const dir = copyIndex();
      const old = await olderLayout(dir, version);
      const err = await loadError(dir);
      expect(err.problem).toBe('index_incompatible');
      expect(err.message).toMatch(
        new RegExp(
          `format version ${version}, this version reads 4\\. Fix: rebuild it with \`npm run build-index -- --corpus <your documents> --out .* --force\``,
        ),
      );
      const rebuilt = await buildArticleIndex(dir);
      expect(rebuilt.chunks).toMatchObject({ embedded: 0, reused: rebuilt.chunks.total });
      // Old files are gone, but for version 3's vector file, which the rebuild writes again as it was.
      const live = new Set(Object.values(manifest.files).map((f) => f.name));
      for (const name of old.filter((n) => !live.has(n))) expect(fs.existsSync(path.join(dir, name))).toBe(false);
      // The reused vectors give the very files a fresh build wrote.
      expect(rebuilt.manifest!.files).toEqual(manifest.files);
    },
  );

  for (const role of ['chunks', 'lexical', 'graph', 'vectors'] as const) {
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
    fs.rmSync(path.join(dir, manifest.files.graph.name));
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
    expect(body.error.message).toMatch(/graph-[0-9a-f]+\.bin is missing.*npm run build-index/);
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

  it('a graph file of garbage whose checksum matches is a 503 too', async () => {
    const dir = copyIndex();
    const graph = path.join(dir, manifest.files.graph.name);
    const garbage = Buffer.alloc(manifest.files.graph.bytes, 0xff); // same size; the checksum is updated to match
    fs.writeFileSync(graph, garbage);
    const sha = createHash('sha256').update(garbage).digest('hex');
    fs.writeFileSync(
      path.join(dir, MANIFEST_FILE),
      JSON.stringify({ ...manifest, files: { ...manifest.files, graph: { ...manifest.files.graph, sha256: sha } } }),
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
    expect(health.body.message).toMatch(/api keys: the API keys could not be read/);
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
      ['graph', 'a FIFO', fifo],
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
      replace(dir, manifest.files.graph.name, fifo);
      const report = await buildArticleIndex(dir, true);
      expect(report.status).toBe('built');
      await readIndexFiles(dir);
    });
  });

  describe('files from elsewhere, with the checksums in the manifest edited to match', () => {
    const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

    /**
     * A careful forger: replaces one file, fixes its size and checksum in the manifest and, with
     * `rebind`, also recomputes the build id and rewrites it into the chunk and postings files,
     * so that only the deeper cross-checks are left to catch the swap.
     */
    function forge(dir: string, role: keyof Manifest['files'], data: Buffer, rebind = false): void {
      const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
      fs.writeFileSync(path.join(dir, m.files[role].name), data);
      m.files[role] = { ...m.files[role], bytes: data.length, sha256: sha(data) };
      if (rebind) {
        m.build_id = buildIdOf(m.corpus.fingerprint, m.files);
        const rewrite = (which: 'chunks' | 'lexical', encode: (old: Buffer) => Buffer) => {
          const file = path.join(dir, m.files[which].name);
          const next = encode(fs.readFileSync(file));
          fs.writeFileSync(file, next);
          m.files[which] = { ...m.files[which], bytes: next.length, sha256: sha(next) };
        };
        rewrite('chunks', (old) => reencodeChunks(old, m.build_id));
        rewrite('lexical', (old) => reencodePostings(old, m.build_id));
      }
      fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify(m));
    }

    function sourceHashesOf(table: ChunkTable): string[] {
      return Array.from({ length: table.documents.length }, (_, d) => table.sourceHash(d));
    }

    /** A chunk table written again with another build id, its records as they were. */
    function reencodeChunks(old: Buffer, buildId: string): Buffer {
      const table = new ChunkTable(old);
      return encodeChunkTable({ ...table.toStore(), build_id: buildId }, sourceHashesOf(table));
    }

    /** A postings file written again with another build id, its postings as they were (damaged or not). */
    function reencodePostings(old: Buffer, buildId: string): Buffer {
      const s = Sections.read<Record<string, unknown>>(old, 'SSPOSTS1');
      const table = new PostingsTable(old);
      return encodePostings(
        {
          analyzer: table.analyzer,
          count: table.count,
          bodyLengths: Array.from(table.bodyLengths),
          contextLengths: Array.from(table.contextLengths),
          terms: new Map(table.entries()),
        },
        s.meta.build_id === undefined ? undefined : buildId,
      );
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

    it.each(['chunks', 'lexical', 'graph', 'vectors'] as const)("another index's %s file is caught by the build id", async (role) => {
      const dir = copyIndex();
      forge(dir, role, otherFile(role));
      expect((await loadError(dir)).message).toMatch(/another build/);
    });

    /** A copy of one of the index's binary files with one section changed in place. */
    function edited(role: 'graph' | 'lexical', magic: string, section: string, edit: (values: Uint32Array | Int32Array) => void): Buffer {
      const data = Buffer.from(fs.readFileSync(path.join(pristine, manifest.files[role].name)));
      const s = Sections.read(data, magic);
      edit(role === 'graph' ? s.get(section, 'u32') : s.get(section, 'i32'));
      return data;
    }

    it('vectors cut short are caught by their size', async () => {
      const dir = copyIndex();
      const vectors = fs.readFileSync(path.join(dir, manifest.files.vectors.name));
      forge(dir, 'vectors', vectors.subarray(0, vectors.length - 512), true);
      expect((await loadError(dir)).message).toMatch(/section "values" lies outside the file/);
    });

    it.each([
      {
        what: 'a graph link that points past the last passage',
        role: 'graph',
        magic: 'SSGRAPH1',
        section: 'level0',
        at: 3,
        error: /a link points at no node/,
      },
      {
        what: 'postings that point past the last chunk',
        role: 'lexical',
        magic: 'SSPOSTS1',
        section: 'body',
        at: 0,
        error: /postings list points outside the index/,
      },
    ] as const)('$what', async ({ role, magic, section, at, error }) => {
      const dir = copyIndex();
      forge(
        dir,
        role,
        edited(role, magic, section, (values) => (values[at] = manifest.counts.chunks + 5)),
        true,
      );
      expect((await loadError(dir)).message).toMatch(error);
    });

    it('vectors whose scale is NaN', async () => {
      const dir = copyIndex();
      const vectors = Buffer.from(fs.readFileSync(path.join(dir, manifest.files.vectors.name)));
      Sections.read(vectors, 'SSVECS81').get('scales', 'f32')[0] = Number.NaN;
      forge(dir, 'vectors', vectors, true);
      expect((await loadError(dir)).message).toMatch(/vector 0 has scale NaN/);
    });

    it('a chunk store whose documents do not own their chunks', async () => {
      const dir = copyIndex();
      const table = new ChunkTable(fs.readFileSync(path.join(dir, manifest.files.chunks.name)));
      const store = table.toStore();
      store.documents[0]!.count += 1;
      forge(dir, 'chunks', encodeChunkTable(store, sourceHashesOf(table)), true);
      expect((await loadError(dir)).message).toMatch(/a chunk points at the wrong document|does not start where the previous one ends/);
    });
  });
});
