/**
 * JSON Lines: one document per line, e.g. {"id": "a1", "title": "...", "text": "...", "url": "...",
 * "lang": "en"}. `_id` (BEIR) and `doc_id` are taken as the id, `content`/`body` as the text; any
 * other scalar field, and the fields of a `metadata` object, become metadata. Read line by line
 * (gzip too), so the file is never held whole (which exempts it from the file-size limit), though
 * its documents are; a bad line is reported and skipped, not fatal.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Metadata, SourceDocument } from '../document.js';
import { metadataValue, setMetadata } from './metadata.js';
import { parseTextStructure } from './text-structure.js';
import type { CorpusFile, FormatReader } from './format.js';

const ID_FIELDS = ['id', '_id', 'doc_id'];
const TEXT_FIELDS = ['text', 'content', 'body'];
const RESERVED = new Set([...ID_FIELDS, ...TEXT_FIELDS, 'title', 'url', 'metadata']);
const MAX_LINE_CHARS = 32 * 1024 * 1024;

function collectMetadata(record: Record<string, unknown>): Metadata {
  const metadata: Metadata = {};
  const nested = record.metadata;
  const sources = [record, ...(nested && typeof nested === 'object' && !Array.isArray(nested) ? [nested as Record<string, unknown>] : [])];
  for (const source of sources) {
    for (const [key, value] of Object.entries(source)) {
      if (source === record && RESERVED.has(key)) continue;
      const v = metadataValue(value);
      if (v !== undefined) setMetadata(metadata, key, v);
    }
  }
  return metadata;
}

export function documentFromRecord(record: unknown, file: Pick<CorpusFile, 'displayPath'>, line: number): SourceDocument | string {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'not a JSON object';
  const r = record as Record<string, unknown>;
  const idField = ID_FIELDS.find((f) => (typeof r[f] === 'string' || typeof r[f] === 'number') && String(r[f]).length > 0);
  const textField = TEXT_FIELDS.find((f) => typeof r[f] === 'string');
  if (!textField) return `no text field (one of ${TEXT_FIELDS.join(', ')})`;
  const text = r[textField] as string;
  const structure = parseTextStructure(text, { documentFrame: false });
  if (structure.blocks.length === 0) return 'empty text';
  const id = idField ? String(r[idField]) : `${file.displayPath}:${line}`;
  // A path segment of its own ("." or "..") would make GET /documents/{id} name another path.
  if (id === '.' || id === '..') return `id "${id}" cannot name a document (GET /documents/${id} is another path): give it another`;
  const title = typeof r.title === 'string' ? r.title.trim() : '';
  return {
    id,
    title,
    text,
    blocks: structure.blocks,
    source: { path: file.displayPath, format: 'jsonl', ...(typeof r.url === 'string' && r.url ? { url: r.url } : {}) },
    metadata: collectMetadata(r),
  };
}

export const jsonlReader: FormatReader = {
  format: 'jsonl',
  extensions: ['.jsonl', '.ndjson', '.jsonl.gz', '.ndjson.gz'],
  async read(file) {
    const raw = fs.createReadStream(file.absPath);
    const input = file.absPath.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    const lines = readline.createInterface({ input, crlfDelay: Infinity });
    const docs: SourceDocument[] = [];
    let n = 0;
    try {
      for await (const line of lines) {
        n++;
        if (line.trim() === '') continue;
        if (line.length > MAX_LINE_CHARS) {
          file.warn(`:${n}`, `line longer than ${MAX_LINE_CHARS} characters`);
          continue;
        }
        let record: unknown;
        try {
          record = JSON.parse(line);
        } catch (err) {
          file.warn(`:${n}`, `not valid JSON (${(err as Error).message})`);
          continue;
        }
        const doc = documentFromRecord(record, file, n);
        if (typeof doc === 'string') file.warn(`:${n}`, doc);
        else docs.push(doc);
      }
    } finally {
      raw.destroy();
    }
    return docs;
  },
};
