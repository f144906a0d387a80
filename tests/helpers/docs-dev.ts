/**
 * The docs-dev evaluation set (real documents in four formats), kept beside the project rather
 * than in it: DOCS_DEV_DIR names it, else it is looked for in ../shared/eval/docs-dev. Tests that
 * read it say so loudly and skip where it is not there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';

export const DOCS_DEV_DIR = process.env.DOCS_DEV_DIR ?? path.resolve(PROJECT_ROOT, '..', 'shared', 'eval', 'docs-dev');
export const DOCS_DEV_FILES = path.join(DOCS_DEV_DIR, 'docs');
export const HAVE_DOCS_DEV = fs.existsSync(DOCS_DEV_FILES);

if (!HAVE_DOCS_DEV)
  console.warn(`\n*** docs-dev not found at ${DOCS_DEV_DIR}: its tests are skipped. Set DOCS_DEV_DIR to the folder to run them. ***\n`);

/** The files of one format folder (html, md, pdf, txt), as paths relative to docs/. */
export function docsDevFiles(format: string): string[] {
  return fs
    .readdirSync(path.join(DOCS_DEV_FILES, format))
    .sort()
    .map((f) => `${format}/${f}`);
}
