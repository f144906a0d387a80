/** The project's TypeScript files under one folder, as paths relative to the project root. */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';

export function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(PROJECT_ROOT, path.join(e.parentPath, e.name)));
}
