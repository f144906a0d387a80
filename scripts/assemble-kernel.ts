/** npm run assemble-kernel: writes src/vector/dot-kernel-wasm.ts from src/vector/dot-kernel.wat. */
import fs from 'node:fs';
import { assembleKernel, KERNEL_MODULE, kernelModuleSource } from './lib/assemble-kernel.js';

const bytes = await assembleKernel();
fs.writeFileSync(KERNEL_MODULE, kernelModuleSource(bytes));
console.log(`assemble-kernel: ${bytes.length} bytes of WebAssembly`);
