import { ElastiqError } from '../core/errors.js';

/**
 * A wrong `elastiq migrate` command line (ELASTIQ_MIGRATE_USAGE, exit code 2): the message says
 * what was wrong and shows the usage.
 *
 * @example
 * ```ts
 * throw new MigrateUsageError("--steps must be a positive integer, not '0'");
 * ```
 */
export class MigrateUsageError extends ElastiqError {
  static override readonly kind: string = 'MigrateUsageError';
  static override readonly defaultCode: string = 'ELASTIQ_MIGRATE_USAGE';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, {
      code: 'ELASTIQ_MIGRATE_USAGE',
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
  }
}
