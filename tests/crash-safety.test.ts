/**
 * A build killed at any point leaves the previous index intact and loadable; the next build
 * recovers (stale lock and staging cleaned up); two builds into one directory are refused.
 * The builds run as real child processes of `scripts/build-index.ts` and are killed with SIGKILL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder, tempDir } from './helpers/article-index.js';
import { readIndexFiles } from '../src/index/read-index.js';
import { DEFAULT_CORPUS_DIR, PROJECT_ROOT } from '../src/paths.js';
import { LOCK_FILE } from '../src/build/build-lock.js';
import { STAGING_PREFIX } from '../src/build/commit.js';
import { openSearcher } from '../src/search/open-searcher.js';

const article = fs.readFileSync(path.join(DEFAULT_CORPUS_DIR, 'article.txt'), 'utf8');

/** A corpus big enough that a build takes several seconds: the article rewritten many times. */
function largerCorpus(): string {
  const dir = tempDir('crash-corpus');
  const paragraphs = article.split(/\n\s*\n/).slice(1, -3);
  for (let n = 0; n < 12; n++) {
    const rotated = paragraphs.map((_p, i) =>
      paragraphs[(i + n) % paragraphs.length]!.split(' ').reverse().join(' ').concat(` Note ${n}.`),
    );
    fs.writeFileSync(path.join(dir, `variant-${n}.txt`), `Variant ${n} of the report\n\n${rotated.join('\n\n')}\n`);
  }
  return dir;
}

function startBuild(corpus: string, out: string): { child: ChildProcess; stderr: () => string; done: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'build-index.ts'), '--corpus', corpus, '--out', out],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => err, done };
}

async function killWhen(corpus: string, out: string, trigger: { stage?: string; afterMs?: number }): Promise<string> {
  const build = startBuild(corpus, out);
  // A build that ends before the trigger (refused, failed) is reported, not waited on forever.
  let ended = false;
  void build.done.then(() => (ended = true));
  await new Promise<void>((resolve, reject) => {
    const gone = setInterval(() => {
      if (!ended) return;
      clearInterval(gone);
      clearInterval(check);
      const reached = trigger.afterMs !== undefined || (trigger.stage !== undefined && build.stderr().includes(trigger.stage));
      if (reached) resolve();
      else reject(new Error(`the build ended before "${trigger.stage}":\n${build.stderr()}`));
    }, 20);
    const check = setInterval(() => {
      if (trigger.stage && build.stderr().includes(trigger.stage)) {
        clearInterval(check);
        clearInterval(gone);
        resolve();
      }
    }, 2);
    if (trigger.afterMs !== undefined) {
      setTimeout(() => {
        clearInterval(check);
        clearInterval(gone);
        resolve();
      }, trigger.afterMs);
    }
  });
  build.child.kill('SIGKILL');
  await build.done;
  return build.stderr();
}

let out: string;
let corpus: string;
let original: string;

beforeAll(async () => {
  out = (await buildArticleIndex()).out;
  original = fs.readFileSync(path.join(out, 'manifest.json'), 'utf8');
  corpus = largerCorpus();
});

async function expectIntactOrNew(): Promise<'previous' | 'new'> {
  const files = await readIndexFiles(out); // throws if anything is damaged
  const searcher = await openSearcher(out, { embedder: await sharedEmbedder() });
  expect((await searcher.search({ query: 'Taliban recognition by Russia', topK: 1, mode: 'hybrid' })).results).toHaveLength(1);
  return `${JSON.stringify(files.manifest, null, 2)}\n` === original ? 'previous' : 'new';
}

describe('a build killed part way', () => {
  const stages = ['build: reading corpus', 'build: chunking', 'build: embedding', 'build: indexing', 'build: writing'];
  for (const stage of stages) {
    it(`at "${stage}" leaves the previous index intact and loadable`, async () => {
      await killWhen(corpus, out, { stage });
      expect(await expectIntactOrNew()).toBe('previous');
    });
  }

  it('at arbitrary moments (6 kills spread over a whole build) leaves a loadable index every time', { timeout: 300_000 }, async () => {
    const probe = tempDir('timing');
    const started = performance.now();
    const full = startBuild(corpus, probe);
    expect(await full.done).toBe(0);
    const duration = performance.now() - started;
    for (let k = 1; k <= 6; k++) {
      await killWhen(corpus, out, { afterMs: (duration * k) / 7 });
      await expectIntactOrNew(); // either the previous index or the new one, never damage
    }
  });

  it('is recovered from by the next build: stale lock and staging cleared, new index published', { timeout: 300_000 }, async () => {
    // The article's index again: a kill above may have landed after its build committed, leaving
    // the larger corpus's index current, and a build with nothing to do never reaches embedding.
    await buildArticleIndex(out, true);
    await killWhen(corpus, out, { stage: 'build: embedding' });
    expect(fs.existsSync(path.join(out, LOCK_FILE))).toBe(true); // left behind by the killed build
    const next = startBuild(corpus, out);
    expect(await next.done).toBe(0);
    expect(await expectIntactOrNew()).toBe('new');
    expect(fs.existsSync(path.join(out, LOCK_FILE))).toBe(false);
    expect(fs.readdirSync(out).filter((f) => f.startsWith(STAGING_PREFIX))).toEqual([]);
    // Only the files the manifest names remain.
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { files: Record<string, { name: string }> };
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', ...Object.values(manifest.files).map((f) => f.name)].sort());
  });
});

describe('concurrent builds into one directory', () => {
  it('are refused while one is running, naming the directory and the owner', { timeout: 300_000 }, async () => {
    const dir = tempDir('concurrent');
    const first = startBuild(corpus, dir);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (!first.stderr().includes('build: embedding')) return;
        clearInterval(t);
        resolve();
      }, 5);
    });
    // Paused, the first build holds its lock for as long as the second needs to start (a fast
    // build could otherwise finish and release it before the second process has loaded).
    first.child.kill('SIGSTOP');
    const second = startBuild(corpus, dir);
    const refused = await second.done;
    first.child.kill('SIGCONT');
    expect(refused).toBe(1);
    expect(second.stderr()).toMatch(/another build is writing .*concurrent.* \(.+:\d+\)/);
    expect(await first.done).toBe(0);
    await readIndexFiles(dir);
  });
});

describe('a build after one that died on a full disk', () => {
  it('replaces a truncated file left under the name it would publish, instead of trusting the name', async () => {
    const dir = (await buildArticleIndex()).out;
    const manifest = (await readIndexFiles(dir)).manifest;
    // What a write cut short by ENOSPC leaves: the right content-addressed name, the first 8 KiB.
    for (const ref of Object.values(manifest.files)) {
      const file = path.join(dir, ref.name);
      fs.writeFileSync(file, fs.readFileSync(file).subarray(0, Math.min(8192, ref.bytes - 1)));
    }
    await expect(readIndexFiles(dir)).rejects.toThrow(/damaged/);
    const rebuilt = await buildArticleIndex(dir, true);
    expect(rebuilt.status).toBe('built');
    expect(rebuilt.manifest.files).toEqual(manifest.files); // same names, now with their full content
    const searcher = await openSearcher(dir, { embedder: await sharedEmbedder() });
    expect((await searcher.search({ query: 'Taliban recognition by Russia', topK: 1, mode: 'hybrid' })).results).toHaveLength(1);
  });
});

describe('the build lock', () => {
  /** A pid that was alive a moment ago and is not any more: what a killed build leaves in its lock. */
  function deadPid(): number {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(child.stdout);
  }

  /** Processes that all try to take the lock at once, hold it for a moment, and say when. */
  async function race(dir: string, contenders: number): Promise<{ start: number; end: number }[]> {
    const script = `
      import { acquireBuildLock } from ${JSON.stringify(path.join(PROJECT_ROOT, 'src', 'build', 'build-lock.ts'))};
      const go = Number(process.argv[1]);
      while (Date.now() < go) {}
      try {
        const release = acquireBuildLock(${JSON.stringify(dir)});
        const start = Date.now();
        const until = start + 150;
        while (Date.now() < until) {}
        const end = Date.now();
        release();
        console.log(JSON.stringify({ start, end }));
      } catch (err) {
        if (!/another build is writing/.test(err.message)) throw err;
      }`;
    const go = Date.now() + 2500; // every contender loaded and spinning before the start
    const runs = Array.from(
      { length: contenders },
      () =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, String(go)], {
            cwd: PROJECT_ROOT,
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let out = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`contender exited ${code}`))));
        }),
    );
    return (await Promise.all(runs)).filter((o) => o.trim()).map((o) => JSON.parse(o) as { start: number; end: number });
  }

  it('is held by one build at a time even when several find the same stale lock at once', { timeout: 120_000 }, async () => {
    for (let round = 0; round < 5; round++) {
      const dir = tempDir('lock-race');
      fs.writeFileSync(path.join(dir, LOCK_FILE), `${os.hostname()}:${deadPid()}`);
      const held = (await race(dir, 8)).sort((a, b) => a.start - b.start);
      expect(held.length).toBeGreaterThanOrEqual(1);
      for (let i = 1; i < held.length; i++) expect(held[i]!.start).toBeGreaterThanOrEqual(held[i - 1]!.end);
      expect(fs.readdirSync(dir)).toEqual([]); // no lock, no private files, no breaker left
    }
  });

  it('an empty lock file (a kill between creating and writing it, by an older version) does not block builds', async () => {
    const dir = (await buildArticleIndex()).out;
    fs.writeFileSync(path.join(dir, LOCK_FILE), '');
    expect((await buildArticleIndex(dir, true)).status).toBe('built');
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });
});
