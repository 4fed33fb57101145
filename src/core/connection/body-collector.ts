import { brotliDecompress, gunzip, type InputType, inflate, type ZlibOptions } from 'node:zlib';
import { DeserializationError, ErrorCodes, RequestAbortedError } from '../errors.js';
import type { ConnectionResponseHeaders } from './types.js';

type Decompress = (
  input: InputType,
  options: ZlibOptions,
  callback: (err: Error | null, out: Buffer) => void,
) => void;

const DECOMPRESSORS: Readonly<Record<string, Decompress>> = {
  gzip: gunzip,
  'x-gzip': gunzip,
  deflate: inflate,
  br: brotliDecompress as unknown as Decompress,
};

// Textual media types come back as strings; anything else (vector tiles, smile, cbor) as bytes.
const TEXTUAL = /json|text|xml|yaml|csv|html|x-www-form-urlencoded/i;

/** Error for a body over its limit; the message names the limit to raise. */
export function responseTooLarge(
  size: number,
  limit: number,
  compressed: boolean,
): RequestAbortedError {
  const option = compressed ? 'maxCompressedResponseSize' : 'maxResponseSize';
  return new RequestAbortedError(
    `The response body (${size} bytes or more) exceeds ${option} (${limit} bytes); raise ${option} to accept it`,
    { code: ErrorCodes.responseTooLarge },
  );
}

/** Inflated size under which the compression ratio is not checked. */
export const COMPRESSION_RATIO_FLOOR = 64 * 1024 * 1024;

/** Error for a compressed body that inflates beyond `maxCompressionRatio` times its size. */
export function compressionRatioTooHigh(
  compressed: number,
  inflatedLimit: number,
  ratio: number,
): RequestAbortedError {
  return new RequestAbortedError(
    `The response body inflates beyond ${inflatedLimit} bytes from ${compressed} bytes compressed, ` +
      `more than maxCompressionRatio (${ratio}) allows past ${COMPRESSION_RATIO_FLOOR} bytes: ` +
      'a decompression bomb, or an unusually repetitive answer; inflating stopped there. ' +
      'Raise maxCompressionRatio (or set it to false) to accept it',
    { code: ErrorCodes.responseTooLarge },
  );
}

/**
 * Collects a response body chunk by chunk, failing as soon as it passes its size limit, then
 * decompresses and decodes it. Inflating stops as soon as the output passes `maxResponseSize`,
 * or `maxCompressionRatio` times the compressed size once past 64 MiB: a small "bomb" never
 * grows to `maxResponseSize` in memory.
 */
export class BodyCollector {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  readonly #limit: number;
  readonly #encoding: string | undefined;

  constructor(
    private readonly headers: ConnectionResponseHeaders,
    private readonly maxResponseSize: number,
    maxCompressedResponseSize: number,
    private readonly maxCompressionRatio: number | undefined = undefined,
  ) {
    const encoding = headers['content-encoding'];
    this.#encoding =
      typeof encoding === 'string' && encoding !== 'identity' ? encoding.toLowerCase() : undefined;
    this.#limit = this.#encoding === undefined ? maxResponseSize : maxCompressedResponseSize;
  }

  /**
   * The error to fail with before reading, when content-length already exceeds the limit.
   * A HEAD answer's content-length describes the body a GET would get: it is not checked.
   */
  checkDeclaredLength(method: string): RequestAbortedError | undefined {
    if (method === 'HEAD') return undefined;
    const declared = Number(this.headers['content-length']);
    return declared > this.#limit
      ? responseTooLarge(declared, this.#limit, this.#encoding !== undefined)
      : undefined;
  }

  /** Adds a chunk; returns the error to abort with when the limit is passed. */
  push(chunk: Buffer): RequestAbortedError | undefined {
    this.#size += chunk.length;
    if (this.#size > this.#limit)
      return responseTooLarge(this.#size, this.#limit, this.#encoding !== undefined);
    this.#chunks.push(chunk);
    return undefined;
  }

  /** The decoded body. Synchronous when the body is not compressed (the common case). */
  finish(): string | Buffer | Promise<string | Buffer> {
    const raw =
      this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#size);
    if (this.#encoding === undefined || raw.length === 0) return this.decode(raw);
    return this.decompress(raw);
  }

  private decompress(raw: Buffer): Promise<string | Buffer> {
    const decompress = DECOMPRESSORS[this.#encoding!];
    if (decompress === undefined) {
      return Promise.reject(
        new DeserializationError(`Unsupported content-encoding "${this.#encoding}"`, '', {
          code: ErrorCodes.decompression,
        }),
      );
    }
    const ratio = this.maxCompressionRatio ?? 0;
    const ratioLimit =
      ratio > 0 ? Math.max(COMPRESSION_RATIO_FLOOR, Math.ceil(ratio * raw.length)) : Infinity;
    const limit = Math.min(this.maxResponseSize, ratioLimit);
    return new Promise((resolve, reject) => {
      // zlib stops as soon as its output passes maxOutputLength, and drops what it inflated.
      decompress(raw, { maxOutputLength: limit }, (err, out) => {
        if (err === null) resolve(this.decode(out));
        else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          reject(
            limit === this.maxResponseSize
              ? responseTooLarge(limit + 1, limit, false)
              : compressionRatioTooHigh(raw.length, limit, ratio),
          );
        } else {
          reject(
            new DeserializationError(
              `Cannot decompress the ${this.#encoding} response body: ${err.message}`,
              '',
              {
                cause: err,
                code: ErrorCodes.decompression,
              },
            ),
          );
        }
      });
    });
  }

  private decode(raw: Buffer | undefined): string | Buffer {
    if (raw === undefined || raw.length === 0) return '';
    const type = this.headers['content-type'];
    if (type === undefined || TEXTUAL.test(typeof type === 'string' ? type : type.join(','))) {
      return raw.toString('utf8');
    }
    return raw;
  }
}
