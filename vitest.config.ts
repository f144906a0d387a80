import { defineConfig } from 'vitest/config';

const shared = {
  setupFiles: ['tests/setup.ts'],
  testTimeout: 120_000,
  hookTimeout: 180_000,
};

export default defineConfig({
  test: {
    // Each test file loads its own embedder; two cores, two workers.
    maxWorkers: 2,
    // The JSON report lets CI print one plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      // One part at a time, no corpus read, no server (indexes at most a few passages written in the test): `npm run test:unit`.
      { test: { ...shared, name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      // The product end to end: real indexes, the handler, servers on loopback, packages.
      { test: { ...shared, name: 'system', include: ['tests/*.test.ts'] } },
    ],
  },
});
