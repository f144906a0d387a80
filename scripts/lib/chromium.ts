/**
 * Debian's Chromium driven by playwright-core (no browser download): the browser tests and the
 * ingestion check (what a browser shows of an HTML file) start it the same way.
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, sandbox off (root in CI), and none of the background traffic a closed network refuses. */
export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary`,
    );
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** `document.body.innerText` of each file, as Chromium renders it from disk. */
export async function visibleTexts(browser: Browser, files: string[]): Promise<string[]> {
  const page = await browser.newPage();
  try {
    const out: string[] = [];
    for (const file of files) {
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point
      out.push(await page.evaluate(() => document.body?.innerText ?? ''));
    }
    return out;
  } finally {
    await page.close();
  }
}
