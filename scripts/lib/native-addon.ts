/**
 * The Lambda package ships node_modules as installed here, native addons included. Lambda runs
 * Linux x64 with glibc: an addon compiled on macOS, Windows, arm64 or musl (Alpine) fails there
 * at cold start, so packaging stops first and says how to package from a Linux container.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';

export const ADDON = 'node_modules/hnswlib-node/build/Release/addon.node';

const ELF_MAGIC = 0x7f454c46;
const EM_X86_64 = 0x3e;

/** What the file is, as far as Lambda cares: 'linux-x64' or a description of what it is instead. */
export function addonPlatform(file: string): string {
  const head = Buffer.alloc(20);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.readUInt32BE(0) !== ELF_MAGIC) {
    const magic = head.readUInt32BE(0);
    if ([0xcffaedfe, 0xcefaedfe, 0xcafebabe].includes(magic)) return 'a macOS (Mach-O) binary';
    if (head.readUInt16BE(0) === 0x4d5a) return 'a Windows (PE) binary';
    return 'not an ELF binary';
  }
  const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
  if (head[4] !== 2 || machine !== EM_X86_64) return `a Linux binary for another processor (ELF machine ${machine})`;
  return 'linux-x64';
}

/** The C library this Node.js runs on: addons built here link against it. */
function hostLibc(): 'glibc' | 'other' {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime ? 'glibc' : 'other';
}

export function checkNativeAddon(root = PROJECT_ROOT): void {
  const file = path.join(root, ADDON);
  if (!fs.existsSync(file)) throw new Error(`${ADDON} is missing: run \`npm ci\` first`);
  const platform = addonPlatform(file);
  const problem =
    platform !== 'linux-x64'
      ? `${ADDON} is ${platform}`
      : hostLibc() !== 'glibc'
        ? `${ADDON} was built against a C library other than glibc (musl?)`
        : undefined;
  if (problem) {
    throw new Error(
      `${problem}, and Lambda runs Linux x64 with glibc. Package from an Amazon Linux container instead: ` +
        '`docker run --rm --platform linux/amd64 -v "$PWD":/var/task -w /var/task public.ecr.aws/sam/build-nodejs22.x sh -c "npm ci && npm run package"` ' +
        '(see docs/deploy.md)',
    );
  }
}
