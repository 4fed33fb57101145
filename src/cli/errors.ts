import { ElastiqError } from '../core/errors.js';

/** Stable codes of the errors that `elastiq local` raises; docs/cli.md lists what each means. */
export type LocalErrorCode =
  | 'ELASTIQ_LOCAL_USAGE'
  | 'ELASTIQ_LOCAL_VERSION_NOT_FOUND'
  | 'ELASTIQ_LOCAL_DOWNLOAD_FAILED'
  | 'ELASTIQ_LOCAL_CHECKSUM_MISMATCH'
  | 'ELASTIQ_LOCAL_UNPACK_FAILED'
  | 'ELASTIQ_LOCAL_JAVA_NOT_FOUND'
  | 'ELASTIQ_LOCAL_USER_FAILED'
  | 'ELASTIQ_LOCAL_PORT_IN_USE'
  | 'ELASTIQ_LOCAL_CONFLICT'
  | 'ELASTIQ_LOCAL_START_FAILED'
  | 'ELASTIQ_LOCAL_STOP_FAILED'
  | 'ELASTIQ_LOCAL_CERTIFICATES_FAILED'
  | 'ELASTIQ_LOCAL_UNKNOWN_CLUSTER';

/**
 * An error of the `elastiq local` command, in elastiq's one error hierarchy (`ElastiqError`): the
 * message says what happened and what to do, `code` says which failure it is.
 *
 * @example
 * ```ts
 * try {
 *   throw new LocalError('ELASTIQ_LOCAL_PORT_IN_USE', 'Port 9200 on 127.0.0.1 is in use');
 * } catch (e) {
 *   if (e instanceof LocalError) console.error(e.code);
 * }
 * ```
 */
export class LocalError extends ElastiqError {
  static override readonly kind: string = 'LocalError';
  static override readonly defaultCode: string = 'ELASTIQ_LOCAL_START_FAILED';
  declare readonly code: LocalErrorCode;

  constructor(code: LocalErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { code, ...(options.cause !== undefined ? { cause: options.cause } : {}) });
  }
}

/**
 * A wrong `elastiq` command line outside `local` and `migrate` (their own codes): an unknown
 * command, or a bad option of `elastiq info`. The CLI exits with code 2 for it.
 *
 * @example
 * ```ts
 * throw new CliUsageError("Unknown command 'statsu'");
 * ```
 */
export class CliUsageError extends ElastiqError {
  static override readonly kind: string = 'CliUsageError';
  static override readonly defaultCode: string = 'ELASTIQ_USAGE';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, {
      code: 'ELASTIQ_USAGE',
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
  }
}
