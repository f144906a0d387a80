/**
 * A whole document as the index holds it, for `GET /documents/{id}` and the MCP `fetch` tool: its
 * passages joined back in source order (joined-text.ts), with its source, metadata and the
 * passages' ids and offsets.
 */
import { positions, type IndexBackend } from '../index/backend.js';
import type { DocumentRecord } from '../index/store.js';
import type { Metadata } from '../corpus/document.js';
import { joinChunks } from './joined-text.js';

export interface FullDocument {
  id: string;
  title: string;
  text: string;
  source: { path: string; format: string; url?: string };
  metadata: Metadata;
  passages: { id: string; start: number; end: number; section: string[]; page?: number }[];
}

export class DocumentLookup {
  private byId?: Map<string, number>;

  constructor(private readonly index: IndexBackend) {}

  async get(id: string): Promise<FullDocument | undefined> {
    this.byId ??= new Map(Array.from(this.index.documents, (d, i) => [d.id, i]));
    const position = this.byId.get(id);
    return position === undefined ? undefined : this.assemble(this.index.documents.get(position));
  }

  private async assemble(doc: DocumentRecord): Promise<FullDocument> {
    const chunks = (await this.index.chunks(positions(doc.first, doc.count))).sort((a, b) => a.start - b.start);
    const { text } = joinChunks(chunks);
    return {
      id: doc.id,
      title: doc.title,
      text,
      source: { path: doc.path, format: doc.format, ...(doc.url ? { url: doc.url } : {}) },
      metadata: doc.metadata,
      passages: chunks.map((c) => ({
        id: c.id,
        start: c.start,
        end: c.end,
        section: c.section,
        ...(c.page !== undefined ? { page: c.page } : {}),
      })),
    };
  }
}
