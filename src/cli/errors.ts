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
 * An error of the `elastiq local` command: the message says what happened and what to do.
 *
 * @example
 * ```ts
 * try { await startCluster({}); } catch (e) { if (e instanceof LocalError) console.error(e.code); }
 * ```
 */
export class LocalError extends Error {
  override readonly name = 'LocalError';
  readonly code: LocalErrorCode;

  constructor(code: LocalErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
