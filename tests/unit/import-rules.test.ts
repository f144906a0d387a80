/**
 * The folders' floors, read from the imports: each folder imports only the folders below it, so no
 * arrow runs back up and no folder circle can form. The build sits above the formats and the
 * search; nothing that serves a question imports it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';
import { sourceFiles } from '../helpers/source-files.js';

/** What each folder of src/ may import besides itself (files at src/'s top are named as such). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  'paths.ts': [],
  aws: [],
  text: [],
  vector: [],
  corpus: ['paths.ts'],
  embed: ['paths.ts', 'config.ts', 'corpus'],
  index: ['paths.ts', 'aws', 'text', 'vector', 'corpus', 'embed'],
  search: ['paths.ts', 'text', 'corpus', 'embed', 'index'],
  build: ['paths.ts', 'aws', 'text', 'vector', 'corpus', 'embed', 'index', 'search'],
  eval: ['paths.ts', 'corpus', 'embed', 'index', 'search', 'build'],
  api: ['paths.ts', 'corpus', 'embed', 'index', 'search', 'config.ts'],
  'config.ts': ['paths.ts'],
  client: ['aws', 'api'],
  'service.ts': ['paths.ts', 'config.ts', 'aws', 'embed', 'index', 'search', 'api'],
  adapters: ['paths.ts', 'config.ts', 'service.ts', 'client', 'embed', 'index', 'search', 'api'],
};

const SRC = path.join(PROJECT_ROOT, 'src');
const folderOf = (file: string) => path.relative(SRC, file).split(path.sep)[0]!;

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => path.resolve(path.dirname(file), m[1]!));
}

const files = sourceFiles('src').map((f) => path.join(PROJECT_ROOT, f));

it('every folder of src/ has a floor', () => {
  expect([...new Set(files.map(folderOf))].filter((f) => !(f in MAY_IMPORT))).toEqual([]);
});

it('no import runs back up a floor, and nothing in src/ reaches into scripts/ or tests/', () => {
  const wrong: string[] = [];
  for (const file of files) {
    const from = folderOf(file);
    for (const target of imports(file)) {
      const rel = path.relative(SRC, target);
      if (rel.startsWith('..')) {
        wrong.push(`${path.relative(PROJECT_ROOT, file)} -> ${path.relative(PROJECT_ROOT, target)}`);
        continue;
      }
      const to = folderOf(target.replace(/\.js$/, '.ts'));
      const arrow = `${path.relative(SRC, file)} -> ${rel}`;
      if (to !== from && !MAY_IMPORT[from]!.includes(to)) wrong.push(arrow);
    }
  }
  expect(wrong).toEqual([]);
});
