import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '../../core/client.js';
import { OrmError } from '../errors.js';
import { getDocumentMetadata, isDocumentClass } from '../metadata/registry.js';
import type { ModelConstructor } from '../metadata/types.js';
import { type IndexBody, liveMapping, locate, resolveTarget } from './index-target.js';
import { diffMappings } from './mapping-diff.js';
import { listMigrationFiles, migrationFileName, timestampOf } from './migration-files.js';
import {
  blankMigration,
  generatedMigration,
  type MigrationLanguage,
  type PlannedOperation,
} from './migration-templates.js';

/**
 * The `@Document` classes a module exports, in export order, each once.
 *
 * @example
 * ```ts
 * import { documentClassesOf, planMigration } from 'elastiq/orm';
 * const models = documentClassesOf({ Post, helper: () => 1, version: '2' }); // [Post]
 * const plan = await planMigration(client, models);
 * ```
 */
export function documentClassesOf(module: Record<string, unknown>): ModelConstructor[] {
  const found: ModelConstructor[] = [];
  for (const value of Object.values(module)) {
    if (isDocumentClass(value) && !found.includes(value as ModelConstructor)) {
      found.push(value as ModelConstructor);
    }
  }
  return found;
}

/**
 * Diffs each model's generated mapping against the live mapping of its index or alias and plans
 * one operation per model: none, createIndex, putMapping (additions only) or migrateIndex.
 *
 * @example
 * ```ts
 * import { Client } from 'elastiq';
 * import { planMigration } from 'elastiq/orm';
 * declare const models: Parameters<typeof planMigration>[1];
 * const client = new Client({ node: 'http://127.0.0.1:9200' });
 * for (const op of await planMigration(client, models)) console.log(op.model, op.action);
 * ```
 */
export async function planMigration(
  client: Client,
  models: readonly ModelConstructor[],
): Promise<PlannedOperation[]> {
  const planned: PlannedOperation[] = [];
  for (const model of models) {
    const { name, body } = resolveTarget(model);
    const live = await liveMapping(client, name);
    const diff = diffMappings(body.mappings ?? {}, live);
    planned.push({
      model: getDocumentMetadata(model).className,
      index: name,
      action: diff.action,
      changes: diff.changes,
      body,
      ...(diff.action === 'migrateIndex' && live !== undefined
        ? { previous: await previousBody(client, name, live) }
        : {}),
    });
  }
  return planned;
}

// What down() restores: the live mapping, the settings that matter and the other aliases, which
// migrateIndex moves only when the target names them (else they stay on the retired index).
async function previousBody(
  client: Client,
  name: string,
  mappings: Record<string, unknown>,
): Promise<IndexBody> {
  const location = await locate(client, name);
  const index = location.kind === 'alias' ? (location.indices[0] as string) : name;
  const aliases = await liveAliases(client, index, name);
  return {
    settings: await liveSettings(client, index),
    mappings,
    ...(Object.keys(aliases).length === 0 ? {} : { aliases }),
  };
}

async function liveAliases(
  client: Client,
  index: string,
  name: string,
): Promise<Record<string, Record<string, unknown>>> {
  const response = (await client.indices.getAlias({ index }, { ignore: [404] })) as Record<
    string,
    { aliases?: Record<string, Record<string, unknown>> }
  >;
  const { [name]: _own, ...others } = response[index]?.aliases ?? {};
  return others;
}

// The settings a restored index needs again: analysis and shard count (not uuids, dates, ...).
async function liveSettings(client: Client, index: string): Promise<Record<string, unknown>> {
  const response = (await client.indices.getSettings({ index })) as Record<
    string,
    { settings?: { index?: Record<string, unknown> } }
  >;
  const settings = response[index]?.settings?.index ?? {};
  const kept: Record<string, unknown> = {};
  for (const key of ['number_of_shards', 'analysis']) {
    if (settings[key] !== undefined) kept[key] = settings[key];
  }
  return kept;
}

/** Options to write a migration file. */
export interface WriteMigrationOptions {
  readonly dir: string;
  readonly description: string;
  readonly language?: MigrationLanguage;
  /** The clock (tests); the file's timestamp. */
  readonly now?: Date;
}

/** Writes a migration file with the text given; returns its path. */
async function writeMigrationFile(options: WriteMigrationOptions, text: string): Promise<string> {
  await mkdir(options.dir, { recursive: true });
  const lang = options.language ?? 'ts';
  // The folder was just made, or holds migrations: empty is fine when writing the first one.
  const existing = await listMigrationFiles(options.dir, { allowEmpty: true });
  const taken = new Set(existing.map((f) => f.name.slice(0, 14)));
  let when = options.now ?? new Date();
  // Two files created in the same second would share a timestamp, and so an unstable order.
  while (taken.has(timestampOf(when))) when = new Date(when.getTime() + 1000);
  const path = join(options.dir, migrationFileName(options.description, when, lang));
  await writeFile(path, text, { flag: 'wx' });
  return path;
}

/**
 * Writes a new, empty migration (`elastiq migrate create`); returns its path.
 *
 * @example
 * ```ts
 * import { createMigration } from 'elastiq/orm';
 * const path = await createMigration({ dir: './migrations', description: 'add tags' });
 * ```
 */
export function createMigration(options: WriteMigrationOptions): Promise<string> {
  return writeMigrationFile(options, blankMigration(options.language ?? 'ts'));
}

/** What `generateMigration` found and wrote. */
export interface GenerateResult {
  readonly operations: readonly PlannedOperation[];
  /** The file written, or undefined when no model changed. */
  readonly path: string | undefined;
}

/**
 * Plans the models against the cluster and, when any changed, writes a migration with those
 * operations, each change explained in a comment (`elastiq migrate generate`).
 *
 * @example
 * ```ts
 * import { Client } from 'elastiq';
 * import { generateMigration } from 'elastiq/orm';
 * declare const models: Parameters<typeof generateMigration>[0]['models'];
 * const client = new Client({ node: 'http://127.0.0.1:9200' });
 * const { path } = await generateMigration({ client, models, dir: './migrations', description: 'models' });
 * ```
 */
export async function generateMigration(
  options: WriteMigrationOptions & {
    readonly client: Client;
    readonly models: readonly ModelConstructor[];
    /** Where the models came from, for the file's header comment. */
    readonly source?: string;
  },
): Promise<GenerateResult> {
  if (options.models.length === 0) {
    throw new OrmError(
      'ORM_MIGRATION_INVALID',
      `${options.source ?? 'The models module'} exports no @Document model classes; export them (export class Post extends Model {...})`,
    );
  }
  const operations = await planMigration(options.client, options.models);
  if (operations.every((op) => op.action === 'none')) return { operations, path: undefined };
  const text = generatedMigration(
    options.language ?? 'ts',
    operations,
    options.source ?? 'the models',
  );
  return { operations, path: await writeMigrationFile(options, text) };
}
