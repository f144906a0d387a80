/** A dataset in the BEIR layout: corpus.jsonl(.gz), queries.jsonl, qrels.tsv (with a header). */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Qrels } from './metrics.js';

export interface BeirDataset {
  name: string;
  dir: string;
  corpus: string;
  queries: Map<string, string>;
  qrels: Qrels;
}

async function* lines(file: string): AsyncGenerator<string> {
  const input = fs.createReadStream(file);
  try {
    for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) if (line.trim()) yield line;
  } finally {
    input.destroy();
  }
}

export async function loadBeir(dir: string): Promise<BeirDataset> {
  const corpus = ['corpus.jsonl', 'corpus.jsonl.gz'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!corpus) throw new Error(`${dir} has no corpus.jsonl or corpus.jsonl.gz`);
  const queriesFile = path.join(dir, 'queries.jsonl');
  const qrelsFile = ['qrels.tsv', path.join('qrels', 'test.tsv')].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!fs.existsSync(queriesFile) || !qrelsFile) throw new Error(`${dir} needs queries.jsonl and qrels.tsv`);
  const queries = new Map<string, string>();
  for await (const line of lines(queriesFile)) {
    const q = JSON.parse(line) as { _id: string | number; text: string };
    queries.set(String(q._id), q.text);
  }
  const qrels: Qrels = new Map();
  let header = true;
  for await (const line of lines(qrelsFile)) {
    const [qid, docId, score] = line.split('\t');
    if (header && (Number.isNaN(Number(score)) || qid === 'query-id')) {
      header = false;
      continue;
    }
    header = false;
    if (!qid || !docId || score === undefined) continue;
    if (!qrels.has(qid)) qrels.set(qid, new Map());
    qrels.get(qid)!.set(docId, Number(score));
  }
  return { name: path.basename(path.resolve(dir)), dir, corpus, queries, qrels };
}
