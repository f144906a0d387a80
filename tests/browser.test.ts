/**
 * The search page in headless Chromium (Debian's package, driven by playwright-core): type a
 * question, see the right passage first with its sentence highlighted; keyboard use; phone width.
 * Screenshots are kept in test-results/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder, tempDir } from './helpers/article-index.js';
import { buildIndex } from '../src/build/build-index.js';
import { createService } from '../src/service.js';
import { createLogger } from '../src/api/logger.js';
import { startServer, type RunningServer } from '../src/adapters/node-server.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { launchChromium } from '../scripts/lib/chromium.js';
import { SKIP_BROWSER } from './helpers/browser.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'test-results');

describe.skipIf(SKIP_BROWSER)('in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    const { out } = await buildArticleIndex();
    const embedder = await sharedEmbedder();
    const service = createService({
      config: { indexDir: out, corsOrigins: ['*'] },
      logger: createLogger({ level: 'silent' }),
      loadEmbedder: async () => embedder,
    });
    await service.ready;
    server = await startServer(service, 0);
    browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  describe('the search page', () => {
    it('says so when the documents hold no answer', async () => {
      const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
      await page.goto(`${server.url}/`);
      await page.keyboard.type('How do I configure a Kubernetes ingress controller?');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#status').textContent()).toMatch(/Nothing in these documents answers this question/);
      expect(await page.locator('#results li').count()).toBe(0);
      await page.screenshot({ path: path.join(ARTIFACTS, 'search-page-no-answer.png'), fullPage: true });
      await page.close();
    });

    it('answers a typed question with the right passage first, its sentence highlighted', async () => {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(`${server.url}/`);
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('q'); // autofocus
      await page.keyboard.type('Which flag was raised at the Afghan embassy in Moscow?');
      await page.keyboard.press('Enter');
      const first = page.locator('#results li').first();
      await first.waitFor();
      expect(await first.locator('.text').textContent()).toContain('the flag of the Taliban-imposed Afghan state was raised');
      expect(await first.locator('mark').textContent()).toMatch(/flag of the Taliban-imposed Afghan state was raised/);
      expect(await first.locator('.meta').last().textContent()).toContain('https://www.toutiao.com/article/1836679694035980/');
      expect(page.url()).toContain('?q=Which+flag');
      expect(await page.locator('#status').textContent()).toMatch(/\d passages?, best first/);
      expect(await first.locator('.head .meta').textContent()).toMatch(/^relevance \d+%$/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'search-page.png'), fullPage: true });
      expect(errors).toEqual([]); // no CSP violations, no script errors
      await page.close();
    });

    it('is keyboard-friendly: / focuses the box, arrows walk the results', async () => {
      const page = await browser.newPage();
      await page.goto(`${server.url}/?q=${encodeURIComponent('Which country recognized the Taliban first?')}`);
      await page.locator('#results li').first().waitFor();
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('/');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');
      await page.keyboard.press('ArrowDown');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(/^Result 1:/);
      await page.keyboard.press('ArrowDown');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(/^Result 2:/);
      await page.close();
    });

    it('fits a phone screen without sideways scrolling', async () => {
      const page = await browser.newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
      await page.goto(`${server.url}/?q=${encodeURIComponent('What restrictions has the Taliban imposed on women?')}`);
      await page.locator('#results li').first().waitFor();
      expect(await page.locator('#results li').first().locator('.text').textContent()).toContain(
        'restrictions imposed by the Taliban on women',
      );
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(ARTIFACTS, 'search-page-phone.png'), fullPage: true });
      await page.close();
    });

    it('shows the error message for an empty index match and for bad input', async () => {
      const page = await browser.newPage();
      await page.goto(`${server.url}/`);
      await page.fill('#q', 'x'.repeat(1000));
      await page.evaluate(() => ((document.getElementById('q') as HTMLInputElement).maxLength = 5000));
      await page.fill('#q', 'x'.repeat(1200));
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#status').textContent()).toMatch(/at most 1000 characters/);
      await page.close();
    });

    it('first says what is indexed, with topics to try from its headings; options live in the URL', async () => {
      const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
      await page.goto(`${server.url}/`);
      await expect
        .poll(() => page.locator('#intro').textContent())
        .toMatch(/Searching 1 document \(13 passages\): Russia becomes the first country/);
      expect(await page.locator('#intro').textContent()).toMatch(/Topics to try: Promising prospects for important cooperation/);
      expect(await page.locator('#collection').isHidden()).toBe(true); // one collection: no picker
      await page.screenshot({ path: path.join(ARTIFACTS, 'search-page-start.png'), fullPage: true });
      await page.locator('button.example').first().click();
      await page.locator('#results li').first().waitFor();
      expect(await page.locator('#intro').isHidden()).toBe(true);
      await page.selectOption('#top_k', '3');
      await page.selectOption('#mode', 'lexical');
      await page.locator('button[type=submit]').click();
      await expect.poll(() => page.url()).toMatch(/\?q=Promising[^&]*&mode=lexical&top_k=3/);
      await page.reload();
      await expect.poll(() => page.locator('#results li').count()).toBeLessThanOrEqual(3);
      expect(await page.locator('#mode').inputValue()).toBe('lexical');
      // Passages of one document after the first carry its section, not the same long title again.
      const titles = await page.locator('#results .title').allTextContents();
      expect(titles.slice(1).every((t) => t.startsWith('↳'))).toBe(true);
      await page.close();
    });

    it('with an access key and several collections: asks a person for the key, then offers a collection picker', async () => {
      const embedder = await sharedEmbedder();
      const { out } = await buildArticleIndex();
      const collections = tempDir('page-collections');
      const tides = tempDir('page-tides');
      fs.writeFileSync(
        path.join(tides, 'tides.md'),
        '# Tides\n\n## Spring tides\n\nSpring tides happen when the sun and the moon line up, twice a month.\n',
      );
      await buildIndex({ corpus: tides, out: path.join(collections, 'tides'), embedder });
      const guarded = createService({
        config: { indexDir: out, collectionsDir: collections, corsOrigins: ['*'], apiKey: async () => 'page-key' },
        logger: createLogger({ level: 'silent' }),
        loadEmbedder: async () => embedder,
      });
      await guarded.ready;
      const second = await startServer(guarded, 0);
      const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
      try {
        await page.goto(`${second.url}/`);
        await expect.poll(() => page.locator('#status').textContent()).toMatch(/This search is protected: enter the access key/);
        expect(await page.locator('#key').isVisible()).toBe(true);
        await page.screenshot({ path: path.join(ARTIFACTS, 'search-page-key.png'), fullPage: true });
        await page.locator('#key').fill('page-key');
        await page.locator('#q').fill('When do spring tides happen?');
        await page.locator('button[type=submit]').click();
        await expect.poll(() => page.locator('#collection').isVisible()).toBe(true);
        await page.selectOption('#collection', 'tides');
        await page.locator('button[type=submit]').click();
        await expect.poll(() => page.locator('#results li .text').first().textContent()).toContain('Spring tides happen');
        expect(page.url()).toContain('collection=tides');
        await page.screenshot({ path: path.join(ARTIFACTS, 'search-page-collections.png'), fullPage: true });
      } finally {
        await page.close();
        await second.close(1000);
      }
    });
  });
});
