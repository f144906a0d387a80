/**
 * `npm run build-index -- --corpus <dir> --out <target>` as a user runs it, in a process of its
 * own; asynchronous, so that servers running in the test's process (S3, PostgreSQL) keep answering.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';

export async function buildWithCli(
  corpus: string,
  out: string,
  env: NodeJS.ProcessEnv = {},
  options: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'build-index.ts'), '--corpus', corpus, '--out', out, ...options],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
}

/** A corpus no other build has seen (a marker in its text), so that any reuse comes from the build under test. */
export function uniqueCorpus(dir: string, write: (file: string, text: string) => void): void {
  const marker = `${process.pid}-${process.hrtime.bigint()}`;
  write(
    path.join(dir, 'lighthouse.md'),
    `# Lighthouse log ${marker}\n\nThe keeper lit the lamp at dusk and wound the clockwork every four hours until dawn.\n`,
  );
}
