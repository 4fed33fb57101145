import type { IndexBody } from './index-target.js';
import type { MappingChange, MigrationAction } from './mapping-diff.js';

/** One model's planned operation, as `generate` found it. */
export interface PlannedOperation {
  /** The model class name. */
  readonly model: string;
  /** Its index name (an alias once migrations manage it). */
  readonly index: string;
  readonly action: MigrationAction;
  readonly changes: readonly MappingChange[];
  /** The body the model generates (what up() applies). */
  readonly body: IndexBody;
  /** The live mapping and settings before the change (what down() restores), when there was an index. */
  readonly previous?: IndexBody;
}

/** The language a migration file is written in. */
export type MigrationLanguage = 'ts' | 'js' | 'mjs';

function signature(lang: MigrationLanguage, name: 'up' | 'down'): string {
  return lang === 'ts'
    ? `export async function ${name}(ctx: MigrationContext): Promise<void> {`
    : `export async function ${name}(ctx) {`;
}

function header(lang: MigrationLanguage): string[] {
  return lang === 'ts' ? ["import type { MigrationContext } from 'elastiq/orm';", ''] : [];
}

/** The file `elastiq migrate create` writes: an empty `up` and `down` with a short guide. */
export function blankMigration(lang: MigrationLanguage): string {
  return [
    ...header(lang),
    '// ctx.createIndex(Model | { name, body }), ctx.putMapping(...), ctx.migrateIndex(..., { transform }),',
    '// ctx.deleteIndex(...), ctx.updateAliases([...]), ctx.log(message); ctx.client is the elastiq Client.',
    signature(lang, 'up'),
    "  ctx.log('nothing to do yet');",
    '}',
    '',
    signature(lang, 'down'),
    "  ctx.log('nothing to undo yet');",
    '}',
    '',
  ].join('\n');
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : scalar(name);
}

// Text JSON need not escape goes in single quotes (the house style); JSON escapes the rest.
function scalar(value: unknown): string {
  const json = JSON.stringify(value) ?? 'undefined';
  if (typeof value !== 'string' || json !== `"${value}"` || value.includes("'")) return json;
  return `'${value}'`;
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value === null || typeof value !== 'object') return scalar(value);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, v]) => `${key(k)}: ${inline(v)}`).join(', ')} }`;
}

/** A value as TypeScript/JavaScript source: short objects on one line, longer ones indented. */
export function literal(value: unknown, indent: string): string {
  const flat = inline(value);
  if (flat.length + indent.length <= 90 || value === null || typeof value !== 'object') return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => `${inner}${literal(v, inner)},`).join('\n')}\n${indent}]`;
  }
  const lines = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `${inner}${key(k)}: ${literal(v, inner)},`,
  );
  return `{\n${lines.join('\n')}\n${indent}}`;
}

// Empty settings or aliases say nothing; leave them out of the file.
function compact(body: IndexBody): IndexBody {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (v !== undefined && !(typeof v === 'object' && v !== null && Object.keys(v).length === 0)) {
      out[k] = v;
    }
  }
  return out as IndexBody;
}

function target(index: string, body: IndexBody, indent: string): string {
  return literal({ name: index, body: compact(body) }, indent);
}

function explain(op: PlannedOperation): string[] {
  const head: Record<MigrationAction, string> = {
    none: 'no change',
    createIndex: 'new index (no index or alias has this name yet)',
    putMapping: 'only additions, which put_mapping applies in place',
    migrateIndex:
      'a breaking change: a new versioned index, every document copied, then one atomic alias swap',
  };
  const lines = [`  // ${op.model} → ${op.index}: ${head[op.action]}`];
  for (const change of op.changes) {
    lines.push(`  //   ${change.additive ? '+' : '!'} ${change.description}`);
  }
  return lines;
}

function upLines(op: PlannedOperation): string[] {
  const body = target(op.index, op.body, '  ');
  if (op.action === 'createIndex') return [`  await ctx.createIndex(${body});`];
  if (op.action === 'putMapping') {
    const mappings: Record<string, unknown> = { ...(op.body.mappings ?? {}) };
    // A model that leaves dynamic at its default must say so to lift a live 'strict' or false.
    if (mappings.dynamic === undefined && op.changes.some((c) => c.path === '_mapping.dynamic')) {
      mappings.dynamic = true;
    }
    return [`  await ctx.putMapping(${target(op.index, { mappings }, '  ')});`];
  }
  return [
    '  // To rewrite documents on the way, pass { transform: (source) => ({ ...source }) }.',
    `  await ctx.migrateIndex(${body});`,
  ];
}

function downLines(op: PlannedOperation): string[] {
  if (op.action === 'createIndex') {
    return [
      `  // ${op.model}: drop the index created by up()`,
      `  await ctx.deleteIndex(${scalar(op.index)});`,
    ];
  }
  if (op.action === 'putMapping') {
    return [`  // ${op.model}: fields added to ${op.index} stay (a mapping cannot drop fields)`];
  }
  return [
    `  // ${op.model}: back to the mapping ${op.index} had before, documents copied again`,
    `  await ctx.migrateIndex(${target(op.index, op.previous ?? {}, '  ')});`,
  ];
}

/** The file `elastiq migrate generate` writes: one operation per changed model, each explained. */
export function generatedMigration(
  lang: MigrationLanguage,
  operations: readonly PlannedOperation[],
  source: string,
): string {
  const changed = operations.filter((op) => op.action !== 'none');
  const up = changed.flatMap((op) => [...explain(op), ...upLines(op)]);
  const down = [...changed].reverse().flatMap(downLines);
  return [
    `// Generated by \`elastiq migrate generate\` from ${source}.`,
    '// Mappings are written out, not imported from the models, so this migration does the same',
    '// on a fresh cluster after the models change again.',
    ...header(lang),
    signature(lang, 'up'),
    ...up,
    '}',
    '',
    signature(lang, 'down'),
    ...down,
    '}',
    '',
  ].join('\n');
}
