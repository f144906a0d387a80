/**
 * Reading index files without trusting what sits under their names: a device (`/dev/zero` reads
 * forever), a FIFO (blocks forever), a directory, or a symlink to any of them is refused before
 * a byte is read, and no more bytes are read than the file is allowed to hold.
 */
import fs from 'node:fs';

export class NotRegularFileError extends Error {}

/** O_NONBLOCK: opening a FIFO must not wait for a writer; it has no effect on regular files. */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

async function openRegular(file: string): Promise<{ handle: fs.promises.FileHandle; size: number }> {
  const handle = await fs.promises.open(file, OPEN_FLAGS);
  try {
    const stat = await handle.stat(); // of what was opened, whatever the name points at now
    if (!stat.isFile()) throw new NotRegularFileError(`${file} is not a regular file`);
    return { handle, size: stat.size };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Pieces a large file is read in: each is handed to `onPiece` while the next one is being read. */
const PIECE_BYTES = 8 * 1024 * 1024;

/** Where a file of `size` bytes is read into. */
export type ReadTarget = (size: number) => Buffer;
// Not zero-filled: every byte handed out is read from the file (a shorter read is cut off).
const freshBuffer: ReadTarget = (size) => Buffer.allocUnsafeSlow(size);

/**
 * The file's bytes, if it is a regular file of at most `maxBytes`; `size` is what it held when
 * opened. `onPiece` sees the bytes in order as they arrive (to hash them while the disk reads on).
 * `into` gives the bytes their place (a buffer of the size asked for).
 */
export async function readRegularFile(
  file: string,
  maxBytes: number,
  onPiece: (piece: Buffer) => void = () => {},
  into: ReadTarget = freshBuffer,
): Promise<{ data: Buffer; size: number }> {
  const { handle, size } = await openRegular(file);
  try {
    if (size > maxBytes) return { data: Buffer.alloc(0), size };
    const data = into(size);
    let done = 0;
    let reading = size > 0 ? handle.read(data, 0, Math.min(PIECE_BYTES, size), 0) : undefined;
    while (reading) {
      const { bytesRead } = await reading;
      const piece = data.subarray(done, done + bytesRead);
      done += bytesRead;
      // Shrank while being read (0 bytes): the size check of the caller reports it.
      reading = bytesRead > 0 && done < size ? handle.read(data, done, Math.min(PIECE_BYTES, size - done), done) : undefined;
      onPiece(piece);
    }
    return { data: data.subarray(0, done), size: done };
  } finally {
    await handle.close();
  }
}

/** Synchronous twin for the manifest, which is read before anything else, and for hnswlib's file in a build. */
export function readRegularFileSync(file: string, maxBytes: number): Buffer {
  const fd = fs.openSync(file, OPEN_FLAGS);
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new NotRegularFileError(`${file} is not a regular file`);
    if (stat.size > maxBytes) throw new NotRegularFileError(`${file} holds ${stat.size} bytes, more than the ${maxBytes} allowed`);
    const data = Buffer.alloc(stat.size);
    let done = 0;
    while (done < stat.size) {
      // In pieces: one read returns at most about 2 GB.
      const n = fs.readSync(fd, data, done, Math.min(PIECE_BYTES, stat.size - done), done);
      if (n === 0) break;
      done += n;
    }
    return data.subarray(0, done);
  } finally {
    fs.closeSync(fd);
  }
}
