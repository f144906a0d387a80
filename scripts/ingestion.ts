/**
 * npm run ingestion -- --corpus <dir> [--json]
 * How faithfully a folder of documents becomes passages, document by document: for HTML, the
 * share of the sentences (8 words or more) Chromium shows that some passage holds; for PDF, the
 * share of passages citing the page their first sentence is printed on (pages read one at a
 * time); for every document, the characters its passages cover against those it holds. Passages
 * are cut exactly as a build with the default settings cuts them. Needs Chromium for HTML
 * (CHROMIUM_PATH, default /usr/bin/chromium).
 */
import path from 'node:path';
import { Command } from 'commander';
import fs from 'node:fs/promises';
import { loadCorpus } from '../src/corpus/load-corpus.js';
import { readPdf } from '../src/corpus/formats/pdf-pages.js';
import { chunkDocument } from '../src/corpus/chunker.js';
import { loadEmbedder, DEFAULT_EMBEDDER } from '../src/embed/load-embedder.js';
import { chunkingSettings, DEFAULT_BUILD_SETTINGS } from '../src/build/settings.js';
import { citationAccuracy, sentenceCoverage } from '../src/eval/ingestion.js';
import { resolveFromCwd } from '../src/paths.js';
import { launchChromium, visibleTexts } from './lib/chromium.js';
import { scriptSettingsFromEnv } from '../src/config.js';

const settings = scriptSettingsFromEnv();

interface Options {
  corpus: string;
  embedder: string;
  json?: boolean;
  missing?: boolean;
}

const program = new Command('ingestion')
  .description('Coverage of visible text (HTML) and page citations (PDF) of a folder of documents')
  .requiredOption('--corpus <dir>', 'folder of documents')
  .option('--embedder <id>', 'embedder whose window cuts the passages', settings.embedder ?? DEFAULT_EMBEDDER)
  .option('--missing', 'list the sentences and citations that fail')
  .option('--json', 'one JSON object instead of tables')
  .action(async (opts: Options) => {
    const root = resolveFromCwd(opts.corpus);
    const embedder = await loadEmbedder(opts.embedder);
    const corpus = await loadCorpus(root);
    const chunking = chunkingSettings(DEFAULT_BUILD_SETTINGS, embedder.info.maxTokens);
    const base = (await fs.stat(root)).isDirectory() ? root : path.dirname(root);
    const htmlDocs = corpus.documents.filter((d) => d.source.format === 'html');
    const browser = htmlDocs.length > 0 ? await launchChromium() : undefined;
    const shown = browser
      ? await visibleTexts(
          browser,
          htmlDocs.map((d) => path.join(base, d.id)),
        )
      : [];
    await browser?.close();
    const rows: Record<string, unknown>[] = [];
    for (const doc of corpus.documents) {
      const chunks = chunkDocument(doc, chunking, (t) => embedder.countPassageTokens(t));
      const covered = chunks.reduce((n, c) => n + c.text.replace(/\s+/g, ' ').trim().length, 0);
      const row: Record<string, unknown> = {
        doc: doc.id,
        format: doc.source.format,
        title: doc.title,
        passages: chunks.length,
        covered,
        held: doc.heldChars,
      };
      if (doc.source.format === 'html') {
        const c = sentenceCoverage(
          shown[htmlDocs.indexOf(doc)]!,
          chunks.map((ch) => ch.text),
        );
        Object.assign(row, { sentences: c.sentences, found: c.found, ...(opts.missing ? { missing: c.missing } : {}) });
      }
      if (doc.source.format === 'pdf') {
        const c = citationAccuracy((await readPdf(await fs.readFile(path.join(base, doc.id)))).pages, chunks);
        Object.assign(row, {
          cited_right: c.correct,
          unplaced: c.unplaced,
          ...(opts.missing ? { wrong: c.wrong, unplaced_openings: c.unplacedOpenings } : {}),
        });
      }
      rows.push(row);
    }
    await embedder.dispose();
    if (opts.json) {
      console.log(JSON.stringify({ corpus: opts.corpus, documents: rows, skipped: corpus.skipped }));
      return;
    }
    console.log(
      '| document | title | passages | covered / held chars | HTML sentences found | PDF passages cited right |\n|---|---|---|---|---|---|',
    );
    for (const r of rows) {
      const held = r.held === undefined ? '' : ` / ${r.held}`;
      const html = r.sentences === undefined ? '' : `${r.found} / ${r.sentences}`;
      const pdf =
        r.cited_right === undefined
          ? ''
          : `${r.cited_right} / ${(r.passages as number) - (r.unplaced as number)}${r.unplaced ? ` (${r.unplaced} unplaced)` : ''}`;
      console.log(`| ${r.doc} | ${r.title} | ${r.passages} | ${r.covered}${held} | ${html} | ${pdf} |`);
      if (opts.missing)
        for (const m of [
          ...((r.missing as string[]) ?? []),
          ...((r.wrong as unknown[]) ?? []).map((w) => JSON.stringify(w)),
          ...((r.unplaced_openings as string[]) ?? []).map((o) => `unplaced: ${o}`),
        ])
          console.log(`    ${m}`);
    }
  });

program.parseAsync().catch((err: Error) => {
  console.error(`ingestion: ${err.message}`);
  process.exit(1);
});
