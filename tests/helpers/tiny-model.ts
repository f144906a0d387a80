/**
 * Generates a tiny BERT-style sentence-embedding model in the real Transformers.js layout
 * (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx, onnx/model_quantized.onnx),
 * so the real loading, tokenising, pooling and prefix code runs without network access.
 *
 * The graph is token-wise: embedding lookup, a dense layer with tanh, a residual add. Mean pooling
 * of that is a (random) bag-of-words embedding, so texts sharing words are close: good enough for
 * retrieval tests to be meaningful. The quantized file stores its embedding table as uint8 with a
 * DequantizeLinear node, like real quantized exports.
 */
import fs from 'node:fs';
import { mulberry32 } from '../../src/search/random.js';
import path from 'node:path';
import onnxProto, { type onnx as Onnx } from 'onnx-proto';

// The package is CommonJS: its namespace comes in as the default export at run time.
const { onnx } = onnxProto as unknown as { onnx: typeof Onnx };

export interface TinyModelOptions {
  /** Words that get their own vocabulary entry (others fall back to characters). */
  words: string[];
  hidden?: number;
  maxTokens?: number;
  /** Extra settings written to semsearch.json (prefixes, pooling). */
  semsearch?: Record<string, unknown>;
  seed?: number;
}

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789.,;:!?\'"()-–—/&%$#@*+=<>[]{}|\\_`~^'.split('');

export function tinyVocabulary(words: string[]): string[] {
  const vocab = [...SPECIALS, ...CHARS, ...CHARS.map((c) => `##${c}`)];
  const seen = new Set(vocab);
  for (const w of words.map((x) => x.toLowerCase())) {
    if (/^[a-z0-9]+$/.test(w) && !seen.has(w)) {
      seen.add(w);
      vocab.push(w);
    }
  }
  return vocab;
}

function tensor(name: string, dims: number[], data: Float32Array | Uint8Array, type: Onnx.TensorProto.DataType): Onnx.ITensorProto {
  return { name, dims, dataType: type, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function valueInfo(name: string, elemType: Onnx.TensorProto.DataType, dims: (string | number)[]): Onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

function graph(vocabSize: number, hidden: number, random: () => number, quantized: boolean): Uint8Array {
  const T = onnx.TensorProto.DataType;
  const table = new Float32Array(vocabSize * hidden).map(() => random() * 2 - 1);
  const dense = new Float32Array(hidden * hidden).map(() => (random() * 2 - 1) / Math.sqrt(hidden));
  const nodes: Onnx.INodeProto[] = [];
  const initializers: Onnx.ITensorProto[] = [tensor('dense.weight', [hidden, hidden], dense, T.FLOAT)];
  if (quantized) {
    // uint8 = round((x + 1) * 127.5); x = (q - 127.5) / 127.5 ≈ (q - 128) * scale
    const q = Uint8Array.from(table, (x) => Math.max(0, Math.min(255, Math.round((x + 1) * 127.5))));
    initializers.push(tensor('embeddings.q', [vocabSize, hidden], q, T.UINT8));
    initializers.push(tensor('embeddings.scale', [], Float32Array.of(1 / 127.5), T.FLOAT));
    initializers.push(tensor('embeddings.zero', [], Uint8Array.of(128), T.UINT8));
    nodes.push({
      opType: 'DequantizeLinear',
      input: ['embeddings.q', 'embeddings.scale', 'embeddings.zero'],
      output: ['embeddings.weight'],
    });
  } else {
    initializers.push(tensor('embeddings.weight', [vocabSize, hidden], table, T.FLOAT));
  }
  nodes.push(
    {
      opType: 'Gather',
      input: ['embeddings.weight', 'input_ids'],
      output: ['tokens'],
      attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
    },
    { opType: 'MatMul', input: ['tokens', 'dense.weight'], output: ['projected'] },
    { opType: 'Tanh', input: ['projected'], output: ['activated'] },
    { opType: 'Add', input: ['activated', 'tokens'], output: ['last_hidden_state'] },
  );
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'semsearch-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-bert',
      node: nodes,
      initializer: initializers,
      input: [valueInfo('input_ids', T.INT64, ['batch', 'sequence']), valueInfo('attention_mask', T.INT64, ['batch', 'sequence'])],
      output: [valueInfo('last_hidden_state', T.FLOAT, ['batch', 'sequence', hidden])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function tokenizerJson(vocab: string[], maxTokens: number) {
  const id = (t: string) => vocab.indexOf(t);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content) => ({
      id: id(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: maxTokens * 4,
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
    },
  };
}

/** Writes the model under `<root>/<modelId>/` and returns that directory. */
export function writeTinyModel(root: string, modelId: string, options: TinyModelOptions): string {
  const dir = path.join(root, modelId);
  const hidden = options.hidden ?? 32;
  const maxTokens = options.maxTokens ?? 64;
  const vocab = tinyVocabulary(options.words);
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  const write = (file: string, data: string | Uint8Array) => fs.writeFileSync(path.join(dir, file), data);
  write(
    'config.json',
    JSON.stringify({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: hidden,
      vocab_size: vocab.length,
      max_position_embeddings: maxTokens,
      num_hidden_layers: 1,
      num_attention_heads: 1,
    }),
  );
  write(
    'tokenizer_config.json',
    JSON.stringify({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: maxTokens,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
    }),
  );
  write('tokenizer.json', JSON.stringify(tokenizerJson(vocab, maxTokens)));
  write('onnx/model.onnx', graph(vocab.length, hidden, mulberry32(options.seed ?? 7), false));
  write('onnx/model_quantized.onnx', graph(vocab.length, hidden, mulberry32(options.seed ?? 7), true));
  if (options.semsearch) write('semsearch.json', JSON.stringify(options.semsearch));
  return dir;
}
