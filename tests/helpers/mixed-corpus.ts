/** Writes a corpus of mixed formats, with broken and awkward files among them, for format tests. */
import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A PDF with one line of text per entry, pages in order; `title` '' leaves the document info without one. */
export async function pdfBytes(title: string, pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (title) doc.setTitle(title);
  doc.setAuthor('Research Desk');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage();
    let y = 750;
    for (const line of lines) {
      page.drawText(line, { x: 50, y, size: 11, font });
      y -= 16;
    }
  }
  return doc.save();
}

export const MARKDOWN = `---
title: Greenhouse Operations Guide
url: https://example.com/guides/greenhouse
lang: en
tags: [horticulture, operations]
year: 2025
---

# Greenhouse Operations Guide

An introduction to running a commercial greenhouse through the seasons.

## Irrigation

Drip irrigation delivers water directly to the roots and cuts evaporation losses by half compared with overhead sprinklers.

- Check emitters weekly for clogging.
- Flush the lines after every fertiliser cycle.
- Keep a spare pressure regulator.

## Pest control

Predatory mites control spider mites without pesticides when released early in the season.

\`\`\`
release_rate = 50 mites per square metre
\`\`\`
`;

export const HTML = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Tidal energy | Coastal Times</title>
<link rel="canonical" href="https://example.org/tidal">
<meta name="author" content="Marie Curie">
<script>window.analytics = "tracking pixel payload";</script>
<style>body { font-family: serif }</style></head>
<body>
<nav><a href="/">Home</a><a href="/subscribe">Subscribe to the newsletter</a></nav>
<header>Coastal Times banner</header>
<main><article>
<h1>Tidal turbines power a fishing village</h1>
<p>A tidal stream turbine installed in the strait now supplies electricity to four hundred homes in the village, with output predictable years ahead because tides follow the moon.</p>
<h2>Maintenance</h2>
<p>Divers inspect the turbine blades twice a year, and barnacle growth is removed with high-pressure water jets during slack tide.</p>
<p>The operator says corrosion of the seabed cables is the main long-term cost, more than the blades themselves.</p>
</article></main>
<aside>Advertisement: cheap flights to the sun</aside>
<footer>All rights reserved. Cookie settings.</footer>
<script>console.log("more tracking code")</script>
</body></html>`;

export const TEXT = `Bakery notes

The sourdough starter needs feeding every twelve hours at room temperature, with equal weights of flour and water.

Rye flour makes the starter more active in cold kitchens.
`;

export const JSONL = [
  JSON.stringify({
    id: 'faq-1',
    title: 'Returns policy',
    text: 'Customers may return unworn shoes within thirty days for a full refund.',
    lang: 'en',
    year: 2024,
    url: 'https://shop.example/faq#returns',
  }),
  JSON.stringify({
    id: 'faq-2',
    title: 'Politique de retour',
    text: 'Les chaussures non portées peuvent être retournées sous trente jours.',
    lang: 'fr',
    year: 2024,
  }),
  '{"id": "faq-3", "title": "broken line',
  JSON.stringify({ id: 'faq-4', title: 'No text here' }),
  JSON.stringify({
    _id: 'faq-5',
    title: 'Shipping',
    text: 'Orders ship from the Lisbon warehouse within two working days.',
    metadata: { lang: 'pt', tags: ['shipping', 'logistics'] },
  }),
  // Metadata fields named like Object.prototype members are fields like any other.
  '{"id": "faq-6", "title": "Store fittings", "text": "The shop counters were built by a local joinery.", "metadata": {"constructor": "Oak & Sons", "toString": "fittings", "__proto__": "odd"}}',
].join('\n');

export async function writeMixedCorpus(dir: string): Promise<void> {
  const w = (rel: string, data: string | Uint8Array) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), data);
  };
  w('guide.md', MARKDOWN);
  w('news/tidal.html', HTML);
  w('notes.txt', TEXT);
  w('faq.jsonl', JSONL);
  w(
    'reports/battery.pdf',
    await pdfBytes('Battery Storage Study', [
      [
        'Summary',
        'Lithium iron phosphate batteries lasted six thousand cycles in the field trial.',
        'Capacity fade stayed below ten percent.',
      ],
      ['Costs', 'Installed storage cost fell to two hundred dollars per kilowatt hour in the study period.'],
    ]),
  );
  w('reports/broken.pdf', 'this is not a PDF at all');
  w('empty.md', '');
  w('blank.txt', '\n\n   \n');
  w('picture.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  w('binary.txt', Buffer.from([0x48, 0x69, 0x00, 0x00, 0x01, 0x02]));
  w('legacy/latin1.txt', Buffer.from('Café menu\n\nThe café serves crème brûlée on Sundays.\n', 'latin1'));
  w(
    'legacy/utf16.txt',
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Tea list\n\nGreen tea from Shizuoka is steamed, not roasted.\n', 'utf16le')]),
  );
  w('.hidden/secret.md', '# Secret\n\nShould never be indexed.');
}
