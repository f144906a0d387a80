import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The project root. This file sits one directory below it both as source (src/paths.ts) and
 * when bundled (dist/*.js), so the root is found from the module's own URL: the current
 * directory and LAMBDA_TASK_ROOT differ between `npm start`, Lambda and serverless-offline.
 */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const DEFAULT_CORPUS_DIR = path.join(PROJECT_ROOT, 'corpus');
export const DEFAULT_INDEX_DIR = path.join(PROJECT_ROOT, 'index');
export const DEFAULT_MODELS_DIR = path.join(PROJECT_ROOT, 'models');

/** Resolves a user-supplied path; relative paths are taken from the project root. */
export function resolveFromRoot(p: string): string {
  return path.resolve(PROJECT_ROOT, p);
}

/**
 * Resolves a path typed on the command line. `npm run` moves into the project root, so the
 * directory the user typed the command in comes from INIT_CWD.
 */
export function resolveFromCwd(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}
