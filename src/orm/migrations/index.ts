// The migrations part of elastiq/orm: what src/orm/index.ts re-exports.

export type { IndexTarget } from './index-target.js';
export {
  diffMappings,
  type MappingChange,
  type MappingDiff,
  type MigrationAction,
} from './mapping-diff.js';
export type { MigrateIndexOptions, MigrateIndexResult } from './migrate-index.js';
export type { CreateIndexOptions, MigrationContext } from './migration-context.js';
export {
  MigrationFailedError,
  MigrationLockedError,
  type MigrationLockInfo,
} from './migration-errors.js';
export {
  checksumOf,
  type MigrationFile,
  type MigrationModule,
  slugify,
} from './migration-files.js';
export {
  createMigration,
  documentClassesOf,
  type GenerateResult,
  generateMigration,
  planMigration,
  type WriteMigrationOptions,
} from './migration-generate.js';
export type { JournalStep, UndoPlan } from './migration-journal.js';
export {
  type AppliedMigration,
  DEFAULT_STALE_LOCK_MS,
  DEFAULT_STATE_INDEX,
  type LockOptions,
} from './migration-state.js';
export type { MigrationLanguage, PlannedOperation } from './migration-templates.js';
export {
  DEFAULT_MIGRATIONS_DIR,
  type DownResult,
  MIGRATION_CHANNEL,
  type MigrationState,
  type MigrationStatusEntry,
  type MigrationStepMessage,
  Migrator,
  type MigratorOptions,
  type PartialRun,
  type UpResult,
} from './migrator.js';
