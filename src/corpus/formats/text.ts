import { decodeText, looksBinary } from '../decode.js';
import { parseTextStructure } from './text-structure.js';
import { readWhole, titleFromPath, UnreadableFileError, type FormatReader } from './format.js';

export const textReader: FormatReader = {
  format: 'text',
  extensions: ['.txt', '.text'],
  async read(file) {
    const bytes = await readWhole(file);
    if (looksBinary(bytes)) throw new UnreadableFileError('binary content in a text file');
    const { text } = decodeText(bytes);
    const structure = parseTextStructure(text);
    return [
      {
        id: file.relPath,
        title: structure.title ?? titleFromPath(file.displayPath),
        text,
        blocks: structure.blocks,
        source: { path: file.displayPath, format: 'text', ...(structure.url ? { url: structure.url } : {}) },
        metadata: structure.metadata,
      },
    ];
  },
};
