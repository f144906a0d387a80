/** Runs one of this project's TypeScript scripts in a fresh node process; resolves with its last stdout line. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';

/** `nodeArgs`: options for node itself (a larger heap for a large synthetic index). */
export function runScript(script: string, args: string[], nodeArgs: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(PROJECT_ROOT, script), ...args], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(stdout.trim().split('\n').pop() ?? '') : reject(new Error(`${script} failed (${code}): ${stderr}`)),
    );
  });
}
