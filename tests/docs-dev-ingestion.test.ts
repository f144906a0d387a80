/**
 * The real documents of docs-dev read as a user has them: what Chromium shows of each HTML page is
 * in its passages, every PDF passage cites the page it starts on, every title is the one a person
 * would give, no document is named as having lost text, and the zlib page's recommendation is
 * served whole by GET /documents.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { readPdf } from '../src/corpus/formats/pdf-pages.js';
import { loadCorpus, type LoadedCorpus } from '../src/corpus/load-corpus.js';
import { chunkDocument } from '../src/corpus/chunker.js';
import { textLoss } from '../src/corpus/text-loss.js';
import { chunkingSettings, DEFAULT_BUILD_SETTINGS } from '../src/build/settings.js';
import { citationAccuracy, sentenceCoverage } from '../src/eval/ingestion.js';
import { buildIndex } from '../src/build/build-index.js';
import { createService } from '../src/service.js';
import { createLogger } from '../src/api/logger.js';
import { launchChromium, visibleTexts } from '../scripts/lib/chromium.js';
import { sharedEmbedder, tempDir } from './helpers/article-index.js';
import { DOCS_DEV_FILES, docsDevFiles, HAVE_DOCS_DEV } from './helpers/docs-dev.js';
import { SKIP_BROWSER } from './helpers/browser.js';

const TITLES: Record<string, string> = {
  'html/base-passwd-users-and-groups.html': 'Users and Groups in the Debian System',
  'html/bc-bc.html': 'bc Command Manual',
  'html/bzip2-manual.html': 'bzip2 and libbzip2, version 1.0.8',
  'html/fontconfig-fontconfig-user.html': 'fonts-conf',
  'html/libjs-underscore-index.html': 'Underscore.js',
  'html/ninja-build-manual.html': 'The Ninja build system',
  'html/python3-python-policy.html': 'Debian Python Policy 0.12.0.0 documentation',
  'html/rust-docs-rustc-lint-levels.html': 'Lint Levels - The rustc book',
  'html/zlib1g-dev-zlib_how.html': 'zlib Usage Example',
  'md/body-parser-README.md': 'body-parser',
  'md/commander-Readme.md': 'Commander.js',
  'md/cookie-README.md': 'cookie',
  'md/debug-README.md': 'debug',
  'md/execa-readme.md': 'execa',
  'md/fflate-README.md': 'fflate',
  'md/hdr-histogram-js-README.md': 'HdrHistogramJS',
  'md/he-README.md': 'he',
  'md/koa-Readme.md': 'koa',
  'md/micromatch-README.md': 'micromatch',
  'md/mustache-README.md': 'mustache.js - Logic-less {{mustache}} templates with JavaScript',
  'md/node-schedule-README.md': 'Node Schedule',
  'md/p-queue-readme.md': 'p-queue',
  'md/qs-README.md': 'qs',
  'md/retry-README.md': 'retry',
  'md/winston-README.md': 'winston',
  'md/yazl-README.md': 'yazl',
  'pdf/findutils-find.1.pdf': 'FIND(1) General Commands Manual',
  'pdf/git-git-subtree.pdf': 'git-subtree(1)',
  'pdf/libtasn1-doc-libtasn1.pdf': 'Libtasn1 Abstract Syntax Notation One (ASN.1) library for the GNU system',
  'pdf/rust-docs-documentation-tests.pdf': 'Documentation tests - The rustdoc book',
  'txt/dpkg-triggers.txt': 'TRIGGERS',
  'txt/gzip-NEWS.txt': 'GNU gzip NEWS',
  'txt/libgc1-README.environment.txt': 'libgc1 README.environment',
  'txt/lsof-00FAQ.txt': 'Frequently Asked Questions about lsof',
  'txt/man-db-FAQ.txt': 'Frequently Asked Questions',
  'txt/xz-utils-faq.txt': 'XZ Utils FAQ',
  'txt/zlib1g-dev-FAQ.txt': 'Frequently Asked Questions about zlib',
};

describe.skipIf(!HAVE_DOCS_DEV)('docs-dev, read as a user has it', () => {
  let corpus: LoadedCorpus;
  const passagesOf = async (id: string) => {
    const embedder = await sharedEmbedder();
    const doc = corpus.documents.find((d) => d.id === id)!;
    return chunkDocument(doc, chunkingSettings(DEFAULT_BUILD_SETTINGS, embedder.info.maxTokens), (t) => embedder.countPassageTokens(t));
  };

  beforeAll(async () => {
    corpus = await loadCorpus(DOCS_DEV_FILES);
  });

  it('reads every document, with the title a person would give it, and names none as having lost text', () => {
    expect(corpus.skipped).toEqual([]);
    expect(Object.fromEntries(corpus.documents.map((d) => [d.id, d.title]))).toEqual(TITLES);
    expect(corpus.documents.flatMap((d) => textLoss(d) ?? [])).toEqual([]);
  });

  describe.skipIf(SKIP_BROWSER)('HTML against what Chromium shows', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('at least 98% of the sentences of 8 words or more of every page are in its passages', async () => {
      const files = docsDevFiles('html');
      const shown = await visibleTexts(
        browser,
        files.map((f) => path.join(DOCS_DEV_FILES, f)),
      );
      for (const [i, id] of files.entries()) {
        const coverage = sentenceCoverage(
          shown[i]!,
          (await passagesOf(id)).map((c) => c.text),
        );
        expect(coverage.sentences, id).toBeGreaterThan(50);
        expect(coverage.found / coverage.sentences, `${id}: ${coverage.missing.join(' | ')}`).toBeGreaterThanOrEqual(0.98);
      }
    });
  });

  it('every PDF passage cites the page its first sentence is printed on', async () => {
    for (const id of docsDevFiles('pdf')) {
      const { pages } = await readPdf(fs.readFileSync(path.join(DOCS_DEV_FILES, id)));
      const passages = await passagesOf(id);
      const check = citationAccuracy(pages, passages);
      expect(check.wrong, id).toEqual([]);
      expect(check.unplaced, id).toBe(0);
      expect(check.correct, id).toBe(passages.length);
    }
  });

  it("GET /documents serves the zlib page's buffer-size advice, which the page keeps between <pre> blocks", async () => {
    const dir = tempDir('zlib');
    fs.copyFileSync(path.join(DOCS_DEV_FILES, 'html', 'zlib1g-dev-zlib_how.html'), path.join(dir, 'zlib_how.html'));
    const out = tempDir('zlib-index');
    const embedder = await sharedEmbedder();
    await buildIndex({ corpus: dir, out, embedder });
    const service = createService({
      config: { indexDir: out, corsOrigins: ['*'] },
      logger: createLogger({ level: 'silent' }),
      loadEmbedder: async () => embedder,
    });
    await service.ready;
    const res = await service.app.request('/documents/zlib_how.html');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { text: string };
    expect(body.text.replace(/\s+/g, ' ')).toContain('on the order of 128K or 256K bytes should be used');
  });
});
