/**
 * Whether the browser tests run. They need Chromium (Debian's package, or CHROMIUM_PATH); on a
 * machine without it they are skipped with a notice that says how to run them, unless
 * SEMSEARCH_REQUIRE_BROWSER=1 (as .ci/run sets), where a missing browser fails them.
 */
import fs from 'node:fs';
import { CHROMIUM_PATH } from '../../scripts/lib/chromium.js';

export const REQUIRE_BROWSER = process.env.SEMSEARCH_REQUIRE_BROWSER === '1';
export const SKIP_BROWSER = !REQUIRE_BROWSER && !fs.existsSync(CHROMIUM_PATH);

if (SKIP_BROWSER)
  console.warn(
    `\n*** Chromium not found at ${CHROMIUM_PATH}: the browser tests are SKIPPED. To run them, install it ` +
      '(Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary; ' +
      '.ci/run installs it and requires them (SEMSEARCH_REQUIRE_BROWSER=1). ***\n',
  );
