/**
 * The mistakes a newcomer makes in the first minutes, each answered with the fix: a corpus folder
 * that is not there, `npm run ask` with no server running, and `npm start -- --index <dir>`, which
 * serves that index as it is (building the sample into it would replace the user's own).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIndex } from '../src/build/build-index.js';
import { HttpSearchClient } from '../src/client/http-client.js';
import { freePort } from '../scripts/lib/free-port.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { sharedEmbedder, tempDir, writeTidesCorpus } from './helpers/article-index.js';

describe('mistakes that say how to fix them', () => {
  it('a corpus folder that does not exist: the build names it and says to pass --corpus', async () => {
    const missing = path.join(tempDir('nothing'), 'my-docs');
    const err = await buildIndex({ corpus: missing, out: tempDir('out'), embedder: await sharedEmbedder() }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `there is no folder or file at ${missing}: put your documents in a folder and pass it with --corpus <folder>`,
    );
  });

  it('npm run ask with no server running: says to start one with npm start', async () => {
    const port = await freePort();
    const err = await new HttpSearchClient(`http://127.0.0.1:${port}`).search({ query: 'x' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): is the server running\? Start it with `npm start`/,
    );
  });

  it('npm start -- --index <dir> serves that index as it is, without building the sample into it', async () => {
    const out = tempDir('own-index');
    await buildIndex({ corpus: writeTidesCorpus(), out, embedder: await sharedEmbedder() });
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'serve.ts'), '--index', out, '--port', String(port)],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes('serving on')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
      });
      expect(stderr).not.toMatch(/build: reading corpus/);
      const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
        collections: Record<string, { documents: number }>;
      };
      expect(health.collections.default!.documents).toBe(1);
      const answer = (await (await fetch(`http://127.0.0.1:${port}/search?q=${encodeURIComponent('When are spring tides?')}`)).json()) as {
        results: { doc_id: string }[];
      };
      expect(answer.results[0]!.doc_id).toBe('tides.md');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
