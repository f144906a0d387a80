/**
 * Metadata filters, applied before ranking so that top_k counts only matching passages.
 * A condition is equality (`"lang": "en"`) or membership (`"lang": {"in": ["en", "fr"]}`); an
 * array-valued field matches when any of its values does. All conditions must hold.
 */
import type { MetadataScalar } from '../corpus/document.js';
import type { DocumentRecord } from '../index/store.js';
import type { DocumentList } from '../index/document-list.js';

export type FilterCondition = MetadataScalar | { in: MetadataScalar[] };
/** Field name to condition. A Map, not an object: a field may be called `constructor` or `__proto__`. */
export type Filter = ReadonlyMap<string, FilterCondition>;

/** Fields every document has; anything else is looked up in its metadata. */
const BUILT_IN = new Map<string, (d: DocumentRecord) => unknown>([
  ['doc_id', (d) => d.id],
  ['title', (d) => d.title],
  ['path', (d) => d.path],
  ['url', (d) => d.url],
  ['format', (d) => d.format],
]);

function fieldValue(doc: DocumentRecord, field: string): unknown {
  const builtIn = BUILT_IN.get(field);
  if (builtIn) return builtIn(doc);
  // Own fields only: metadata is a plain object, and "toString" is not a field a document has.
  return Object.hasOwn(doc.metadata, field) ? doc.metadata[field] : undefined;
}

/**
 * A condition as a test of a field's value. The wanted values go in a Set (the same as `===` for
 * JSON's values), so that a long `in` list costs no more per document than a short one.
 */
function compileCondition(condition: FilterCondition): (value: unknown) => boolean {
  const wanted = new Set<unknown>(typeof condition === 'object' ? condition.in : [condition]);
  return (value) => (Array.isArray(value) ? value.some((v) => wanted.has(v)) : wanted.has(value));
}

export interface ChunkMask {
  allowed: Uint8Array;
  count: number;
}

/** Which chunks pass the filter; undefined when there is nothing to filter. */
export function compileFilter(filter: Filter | undefined, documents: DocumentList, chunkCount: number): ChunkMask | undefined {
  if (!filter || filter.size === 0) return undefined;
  const conditions = [...filter].map(([field, condition]) => ({ field, holds: compileCondition(condition) }));
  const allowed = new Uint8Array(chunkCount);
  let count = 0;
  for (const doc of documents) {
    if (!conditions.every(({ field, holds }) => holds(fieldValue(doc, field)))) continue;
    allowed.fill(1, doc.first, doc.first + doc.count);
    count += doc.count;
  }
  return { allowed, count };
}

/** Every field a filter can name in these documents: the built-in ones and every metadata key used. */
export function filterableFields(documents: DocumentList): Set<string> {
  const fields = new Set(BUILT_IN.keys());
  for (const doc of documents) for (const key of Object.keys(doc.metadata)) fields.add(key);
  return fields;
}

function someDocument(documents: DocumentList, test: (d: DocumentRecord) => boolean): boolean {
  for (const d of documents) if (test(d)) return true;
  return false;
}

/**
 * Why a filter may have matched nothing, in words for the caller: a field no document has (a
 * typo, or metadata that was never indexed), or a doc_id/path value in the other one's form.
 */
export function filterWarnings(
  filter: Filter | undefined,
  documents: DocumentList,
  fields: Set<string>,
  mask: ChunkMask | undefined,
): string[] {
  if (!filter || !mask || mask.count > 0) return [];
  const warnings: string[] = [];
  for (const [field, condition] of filter) {
    const holds = compileCondition(condition);
    if (!fields.has(field)) {
      warnings.push(`no document has a field "${field.slice(0, 100)}"; the fields here are ${[...fields].slice(0, 30).join(', ')}`);
    } else if ((field === 'doc_id' || field === 'path') && !someDocument(documents, (d) => holds(fieldValue(d, field)))) {
      const d = documents.get(0);
      warnings.push(
        `no document has that ${field}: doc_id is the path inside the corpus folder ("${d.id}"), path includes the folder's name ("${d.path}")`,
      );
    }
  }
  return warnings;
}
