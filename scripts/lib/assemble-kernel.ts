/** The dot kernel's WebAssembly text assembled to bytes, and the TypeScript module that carries them. */
import fs from 'node:fs';
import path from 'node:path';
import wabt from 'wabt';
import { PROJECT_ROOT } from '../../src/paths.js';

export const KERNEL_TEXT = path.join(PROJECT_ROOT, 'src/vector/dot-kernel.wat');
export const KERNEL_MODULE = path.join(PROJECT_ROOT, 'src/vector/dot-kernel-wasm.ts');

export async function assembleKernel(): Promise<Uint8Array> {
  const tools = await wabt();
  const parsed = tools.parseWat(path.basename(KERNEL_TEXT), fs.readFileSync(KERNEL_TEXT, 'utf8'), { simd: true });
  try {
    parsed.validate();
    return parsed.toBinary({}).buffer;
  } finally {
    parsed.destroy();
  }
}

/** The module's source: the bytes as base64 (a bundle carries them with no file beside it). */
export function kernelModuleSource(bytes: Uint8Array): string {
  return [
    '// Generated from dot-kernel.wat by `npm run assemble-kernel`; a unit test checks the two agree.',
    'export const DOT_KERNEL_WASM =',
    `  '${Buffer.from(bytes).toString('base64')}';`,
    '',
  ].join('\n');
}
