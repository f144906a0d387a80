/**
 * One list of settings: every environment variable the code reads is in the README's settings
 * table and nothing else is; only the configuration modules read them; serverless.yml sets only
 * settings that exist, and points the index settings where the packaging step puts the indexes.
 * A variable added in one place and not the others fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../src/paths.js';
import { STAGED_COLLECTIONS, STAGED_INDEX } from '../../scripts/prepare-package.js';
import { sourceFiles } from '../helpers/source-files.js';

/** Read by libraries or the platform, not settings of this product. */
const PLATFORM = new Set([
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  'INIT_CWD',
  'HF_ENDPOINT',
  'CHROMIUM_PATH',
]);

/** The modules that turn the environment into settings (the S3 client takes its own endpoint and timeout). */
const READERS = ['src/config.ts', 'src/index/s3/client.ts'];

/** Variable name -> the files that read it, for `env.NAME` and `env['NAME']`. */
function readsByName(files: string[]): Map<string, Set<string>> {
  const reads = new Map<string, Set<string>>();
  for (const file of files) {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
    for (const m of text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]+)|\[['"]([A-Z][A-Z0-9_]+)['"]\])/g)) {
      const name = (m[1] ?? m[2])!;
      if (!reads.has(name)) reads.set(name, new Set());
      reads.get(name)!.add(file);
    }
  }
  return reads;
}

/** The names in the first column of the README's settings table. */
function documentedSettings(): Set<string> {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Settings$/m)[1]!.split(/^## /m)[0]!;
  const names = new Set<string>();
  for (const row of section.split('\n').filter((l) => l.startsWith('| `'))) {
    for (const m of row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(m[1]!);
  }
  return names;
}

// Benchmarks pass their own variables to the processes they start; they are not settings.
const product = [...sourceFiles('src'), ...sourceFiles('scripts').filter((f) => !f.startsWith(path.join('scripts', 'bench')))];
const reads = readsByName(product);
const settings = [...reads.keys()].filter((n) => !PLATFORM.has(n)).sort();

it('the README documents exactly the settings the code reads', () => {
  expect(settings.length).toBeGreaterThan(10);
  expect([...documentedSettings()].sort()).toEqual(settings);
});

it('only the configuration modules read settings from the environment', () => {
  const elsewhere = settings.flatMap((n) => [...reads.get(n)!].filter((f) => !READERS.includes(f)).map((f) => `${n} in ${f}`));
  expect(elsewhere).toEqual([]);
});

it('serverless.yml sets only settings that exist', () => {
  const config = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'serverless.yml'), 'utf8')) as {
    provider: { environment: Record<string, unknown> };
  };
  const set = Object.keys(config.provider.environment);
  expect(set.length).toBeGreaterThan(0);
  expect(set.filter((n) => !settings.includes(n))).toEqual([]);
  // The function reads its indexes where the packaging step puts them.
  expect(config.provider.environment.INDEX_DIR).toBe(STAGED_INDEX);
  expect(config.provider.environment.COLLECTIONS_DIR).toBe(STAGED_COLLECTIONS);
});
