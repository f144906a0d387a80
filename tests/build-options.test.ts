/**
 * Build options are checked before anything is read or written: a bad value is refused with what
 * is allowed, and the index that was there keeps serving, byte for byte.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder } from './helpers/article-index.js';
import { buildIndex } from '../src/build/build-index.js';
import { InvalidBuildSettingsError } from '../src/build/settings.js';
import { DEFAULT_CORPUS_DIR, PROJECT_ROOT } from '../src/paths.js';

let out: string;
let manifestBefore: string;

beforeAll(async () => {
  out = (await buildArticleIndex()).out;
  manifestBefore = fs.readFileSync(path.join(out, 'manifest.json'), 'utf8');
});

function buildCli(args: string[]) {
  return spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(PROJECT_ROOT, 'scripts', 'build-index.ts'),
      '--corpus',
      DEFAULT_CORPUS_DIR,
      '--out',
      out,
      '--force',
      ...args,
    ],
    {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

describe('build-index options', () => {
  it.each([
    [['--context', 'bogus'], /--context.*bogus.*Allowed choices are none, title, title\+section/],
    [['--overlap', 'abc'], /--overlap.*expected a whole number/],
    [['--overlap', '-3'], /--overlap.*expected a whole number/],
    [['--overlap', '99'], /overlap must be a whole number of sentences from 0 to 8, not 99/],
    [['--max-tokens', '1'], /max tokens must be an integer from 32 to 128.*not 1/],
    [['--max-tokens', '4096'], /max tokens must be an integer from 32 to 128.*not 4096/],
  ])('%j is refused and the index is left as it was', (args, message) => {
    const result = buildCli(args);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe(manifestBefore);
  });

  it('property: the library refuses any overlap or window that is not a sensible integer, before touching the index', async () => {
    const embedder = await sharedEmbedder();
    const bad = fc.oneof(
      fc.constant(Number.NaN),
      fc.double({ noNaN: true }).filter((v) => !Number.isInteger(v) || v < 0 || v > 8),
    );
    await fc.assert(
      fc.asyncProperty(bad, async (overlapSentences) => {
        const err = await buildIndex({ corpus: DEFAULT_CORPUS_DIR, out, embedder, force: true, settings: { overlapSentences } }).catch(
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(InvalidBuildSettingsError);
        expect(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe(manifestBefore);
      }),
      { numRuns: 50 },
    );
  });
});

describe('where a build may write', () => {
  it.each([['S3://indexes/prod'], ['s3:/indexes/prod'], ['s3:indexes/prod'], ['POSTGRES://me@db.example/app']])(
    '--out %s, a location spelt almost right, is refused instead of becoming a local folder of that name',
    (target) => {
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'build-index.ts'), '--corpus', DEFAULT_CORPUS_DIR, '--out', target],
        { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 },
      );
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(
        /looks like a location but is none this product reads or writes: write s3:\/\/bucket\/prefix or postgres:\/\//,
      );
      expect(fs.existsSync(path.join(PROJECT_ROOT, target.split(/[:/]/)[0]!))).toBe(false);
    },
  );

  it("clears only the index's own files from the folder after a build, whatever else is named like them", async () => {
    const mine = ['chunks-0123456789abcdef.txt', 'graph-0123456789abcdef.bin.bak', 'notes.md', 'vectors-0123456789abcdef'];
    for (const name of mine) fs.writeFileSync(path.join(out, name), 'the user keeps this');
    await buildIndex({ corpus: DEFAULT_CORPUS_DIR, out, embedder: await sharedEmbedder(), force: true });
    for (const name of mine) expect(fs.existsSync(path.join(out, name)), name).toBe(true);
  });
});
