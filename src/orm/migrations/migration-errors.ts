import { OrmError } from '../errors.js';

/** Who holds the migration lock, as the lock document records it. */
export interface MigrationLockInfo {
  /** A random token of the run that took the lock (only that run releases it). */
  readonly token: string;
  /** The user or label of the holder. */
  readonly holder: string;
  readonly host: string;
  readonly pid: number;
  /** ISO-8601 time the lock was taken. */
  readonly since: string;
  /** ISO-8601 time the holder last renewed the lock (it does so while it runs). */
  readonly renewed?: string;
}

/**
 * Another runner holds the migration lock (ORM_MIGRATION_LOCKED): wait for it to finish, or,
 * when it died, break the lock with `--force-unlock` (`forceUnlock: true`) once it is stale.
 *
 * @example
 * ```ts
 * import { MigrationLockedError } from 'elastiq/orm';
 * function who(err: unknown): string | undefined {
 *   return err instanceof MigrationLockedError ? `${err.lock.holder}@${err.lock.host}` : undefined;
 * }
 * ```
 */
export class MigrationLockedError extends OrmError {
  static override readonly kind: string = 'MigrationLockedError';
  readonly lock: MigrationLockInfo;

  constructor(lock: MigrationLockInfo, message: string) {
    super('ORM_MIGRATION_LOCKED', message);
    this.lock = lock;
  }
}

/**
 * A migration threw (ORM_MIGRATION_FAILED): nothing was recorded for it, the steps it had done
 * were undone where they can be (`rolledBack`), and `step` says which step failed.
 *
 * @example
 * ```ts
 * import { MigrationFailedError } from 'elastiq/orm';
 * function where(err: unknown): string | undefined {
 *   return err instanceof MigrationFailedError ? `${err.migration}: ${err.step}` : undefined;
 * }
 * ```
 */
export class MigrationFailedError extends OrmError {
  static override readonly kind: string = 'MigrationFailedError';
  /** The migration's name (`20260101120000_add_tags`). */
  readonly migration: string;
  /**
   * The failed step, such as `step 2: migrateIndex blog-posts`; when the migration's own code
   * threw between steps, the last step that finished (`after step 1: createIndex blog-posts`), or
   * `before its first step`.
   */
  readonly step: string;
  /** Descriptions of the steps that were undone, most recent first. */
  readonly rolledBack: readonly string[];

  constructor(
    details: { migration: string; step: string; rolledBack: readonly string[] },
    message: string,
    cause: unknown,
  ) {
    super('ORM_MIGRATION_FAILED', message, { cause });
    this.migration = details.migration;
    this.step = details.step;
    this.rolledBack = details.rolledBack;
  }
}
