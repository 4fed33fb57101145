/**
 * Hydration (`fromSource`: `_source` -> instance) and dehydration (`toSource`: instance ->
 * `_source`). Both run per document, so each class gets a plan, built once from its metadata,
 * that the per-document loops only read: no metadata lookups, no closures created per value.
 *
 * How instances are made: `new target()` then assignment of the fields present in `_source`. The
 * constructor runs, so class field initialisers give defaults for fields the source lacks (a
 * document stored before `likes = 0` was added hydrates with `likes === 0`); model classes must
 * therefore have a constructor that takes no arguments and has no side effects.
 */
import {
  findNonFinite,
  isNonFinite,
  type JsonPathSegment,
  nonFiniteReason,
} from '../../core/serializer/non-finite.js';
import { OrmError } from '../errors.js';
import { type PropertyTransforms, propertyTransforms } from '../metadata/class-transformer.js';
import { getModelMetadata } from '../metadata/registry.js';
import type { FieldMetadata, ModelConstructor, ModelMetadata } from '../metadata/types.js';
import { type DateReader, type DateWriter, dateReaders, dateWriter } from './date-format.js';
import { OrmValidationError } from './validation.js';

/** Where hydration keeps `_source` fields the model does not declare (written back by toSource). */
const UNDECLARED: unique symbol = Symbol('elastiq.orm.undeclared');

enum Kind {
  Plain = 0,
  Date = 1,
  Inner = 2,
  /** integer, short, byte: numeric strings read, fractions truncated (Elasticsearch's coerce). */
  Integer = 3,
  /** long, unsigned_long: as Integer, and exact (a bigint) beyond 2^53. */
  Long = 4,
  /** float, double, half_float, scaled_float: numeric strings read. */
  Float = 5,
  /** boolean: "true", "false" and "" read as Elasticsearch reads them. */
  Boolean = 6,
}

const NUMBER_KINDS: Readonly<Record<string, Kind>> = {
  integer: Kind.Integer,
  short: Kind.Integer,
  byte: Kind.Integer,
  long: Kind.Long,
  unsigned_long: Kind.Long,
  float: Kind.Float,
  double: Kind.Float,
  half_float: Kind.Float,
  scaled_float: Kind.Float,
};

/** How epoch numbers of a date field are read: seconds when its `format` is only `epoch_second`. */
enum DateOut {
  Iso = 0,
  Millis = 1,
  Seconds = 2,
}

interface FieldPlan {
  readonly property: string;
  readonly name: string;
  readonly kind: Kind;
  /** The mapping type, for messages. */
  readonly type: string;
  /** `typeof` of a value hydration keeps as it is (no call): 'number' for numeric fields. */
  readonly ready: string;
  /** An integer type: a number with a fraction is truncated, as Elasticsearch indexes it. */
  readonly truncate: boolean;
  /** `ignore_malformed: true`: a value that cannot be read is kept as stored, as Elasticsearch did. */
  readonly lenient: boolean;
  readonly multi: boolean;
  readonly dateOut: DateOut;
  /** Writes a Date in a form the field's `format` accepts. */
  readonly writeDate: DateWriter;
  /** Readers of the field's pattern formats (`dd/MM/yyyy`), tried before ISO-8601. */
  readonly readDate: readonly DateReader[];
  /** Elasticsearch reads a 4-digit value (`2024`, `"2024"`) of this date field as a year. */
  readonly yearFirst: boolean;
  /** The inner class's plan, built on first use so self-referencing classes terminate. */
  readonly inner: (() => ClassPlan) | undefined;
  readonly transforms: PropertyTransforms | undefined;
}

interface ClassPlan {
  readonly ctor: new () => Record<string | symbol, unknown>;
  readonly className: string;
  readonly fields: readonly FieldPlan[];
  /** Source name -> field; a null-prototype object, the fastest lookup for JSON keys. */
  readonly byName: Readonly<Record<string, FieldPlan | undefined>>;
}

const PLANS = new WeakMap<object, ClassPlan>();

/**
 * The `_source` of a model or inner document instance: declared fields under their source names
 * (Dates as ISO-8601 strings, or in the first of the field's `format`s that can be written:
 * epoch numbers, `yyyy-MM-dd`, ...; inner documents as plain objects; `undefined` omitted, `null` kept so a field can be cleared), then
 * the undeclared fields hydration kept. class-transformer `@Transform` (to plain) runs first.
 *
 * @example
 * ```ts
 * import { DateField, Document, getModelMetadata, Model, Text, toSource } from 'elastiq/orm';
 * @Document({ index: 'notes' })
 * class Note extends Model {
 *   @Text() body!: string;
 *   @DateField({ name: 'created_at' }) createdAt!: Date;
 * }
 * const note = new Note();
 * note.body = 'hi';
 * note.createdAt = new Date(0);
 * toSource(note, getModelMetadata(Note)); // { body: 'hi', created_at: '1970-01-01T00:00:00.000Z' }
 * ```
 */
export function toSource(instance: object, meta: ModelMetadata): Record<string, unknown> {
  return dehydrate(
    planOf(meta.target),
    instance as Record<string | symbol, unknown>,
    '',
    meta.className,
    [instance],
  );
}

/**
 * A model (or inner document) instance from a `_source`: `new target()`, then each declared
 * field assigned from its source name (ISO strings and epoch millis become Dates, inner objects
 * become InnerDoc instances, numeric and boolean strings become numbers and booleans as
 * Elasticsearch's coercion reads them, a single value of a `multi` field becomes a one-element
 * array). Undeclared fields are kept for `toSource`. Throws `ORM_INVALID_SOURCE` naming the field
 * path when the source does not fit the model (a string where an object is declared, an
 * unparseable date or number, a source that is not an object).
 *
 * @example
 * ```ts
 * import { DateField, Document, fromSource, Model } from 'elastiq/orm';
 * @Document({ index: 'notes' })
 * class Note extends Model {
 *   @DateField() createdAt!: Date;
 * }
 * const note = fromSource(Note, { createdAt: '2024-05-01T10:00:00Z' });
 * note.createdAt.getUTCHours(); // 10
 * ```
 */
export function fromSource<T extends object>(target: ModelConstructor<T>, source: unknown): T {
  const plan = planOf(target);
  if (!isObject(source)) {
    throw invalidSource(`the _source of a ${plan.className} is ${describe(source)}, not an object`);
  }
  return hydrate(plan, source, '') as T;
}

/**
 * The `_source` fields a hydrated instance keeps beside its properties (read-only): those its model
 * does not declare, and those it declares but never writes (`@Exclude`), so a save keeps them.
 *
 * @example
 * ```ts
 * import { Document, fromSource, Model, undeclaredFields } from 'elastiq/orm';
 * @Document({ index: 'notes' })
 * class Note extends Model {}
 * undeclaredFields(fromSource(Note, { legacy: 1 })); // { legacy: 1 }
 * ```
 */
export function undeclaredFields(instance: object): Readonly<Record<string, unknown>> {
  return (instance as { [UNDECLARED]?: Record<string, unknown> })[UNDECLARED] ?? {};
}

function planOf(target: ModelConstructor): ClassPlan {
  let plan = PLANS.get(target);
  if (!plan) {
    plan = buildPlan(getModelMetadata(target));
    PLANS.set(target, plan);
  }
  return plan;
}

function buildPlan(meta: ModelMetadata): ClassPlan {
  const fields = [...meta.fields.values()].map((f) => fieldPlan(meta, f));
  const byName: Record<string, FieldPlan | undefined> = Object.create(null);
  for (const f of fields) byName[f.name] = f;
  return {
    ctor: meta.target as unknown as ClassPlan['ctor'],
    className: meta.className,
    fields,
    byName,
  };
}

function fieldPlan(meta: ModelMetadata, field: FieldMetadata): FieldPlan {
  const inner = field.target && (field.type === 'object' || field.type === 'nested');
  // date_nanos stays as stored: a Date would drop its sub-millisecond digits on the next save.
  const kind = inner
    ? Kind.Inner
    : field.type === 'date'
      ? Kind.Date
      : field.type === 'boolean'
        ? Kind.Boolean
        : // coerce: false: Elasticsearch refused strings and fractions, so none are read either.
          field.mapping.coerce === false
          ? Kind.Plain
          : (NUMBER_KINDS[field.type] ?? Kind.Plain);
  const target = field.target;
  let innerPlan: ClassPlan | undefined;
  const lazy = target ? (): ClassPlan => (innerPlan ??= planOf(target())) : undefined;
  return {
    property: field.property,
    name: field.name,
    kind,
    type: field.type,
    ready:
      kind === Kind.Boolean
        ? 'boolean'
        : kind === Kind.Integer || kind === Kind.Long || kind === Kind.Float
          ? 'number'
          : '',
    truncate: kind === Kind.Integer || kind === Kind.Long,
    lenient: field.mapping.ignore_malformed === true,
    multi: field.multi,
    dateOut: dateOutput(field.mapping.format),
    yearFirst: readsYearFirst(field.mapping.format),
    writeDate: dateWriter(field.mapping.format),
    readDate: dateReaders(field.mapping.format),
    inner: inner ? lazy : undefined,
    transforms: propertyTransforms(meta.target, field.property),
  };
}

function dateOutput(format: unknown): DateOut {
  if (typeof format !== 'string') return DateOut.Iso;
  const formats = format.split('||');
  if (formats.every((f) => f === 'epoch_millis')) return DateOut.Millis;
  if (formats.every((f) => f === 'epoch_second')) return DateOut.Seconds;
  return DateOut.Iso;
}

// Formats that parse a lone 4-digit year; Elasticsearch tries a field's formats in order.
const YEAR_FORMATS = new Set([
  'strict_date_optional_time',
  'date_optional_time',
  'strict_date_optional_time_nanos',
]);

/** Whether the field's first format (the default one when none is set) reads `2024` as a year. */
function readsYearFirst(format: unknown): boolean {
  if (typeof format !== 'string') return true;
  return YEAR_FORMATS.has(format.split('||')[0]!.trim());
}

// ---------------------------------------------------------------- hydration (hot path)

function hydrate(plan: ClassPlan, source: Record<string, unknown>, path: string): object {
  const instance = new plan.ctor();
  let extras: Record<string, unknown> | undefined;
  for (const key in source) {
    const value = source[key];
    const field = plan.byName[key];
    if (field === undefined) {
      // Null prototype: a "__proto__" key stays data instead of changing the prototype.
      extras ??= Object.create(null) as Record<string, unknown>;
      extras[key] = value;
      continue;
    }
    // A field the model never writes (`@Exclude` to plain) or never reads keeps its stored value
    // beside the instance, so a save writes it back instead of erasing it.
    if (field.transforms?.skipToClass || field.transforms?.skipToPlain) {
      extras ??= Object.create(null) as Record<string, unknown>;
      extras[key] = value;
      if (field.transforms.skipToClass) continue;
    }
    let v = value;
    if (field.multi && !Array.isArray(v) && v !== null && v !== undefined) v = [v];
    // A value that already has the field's type (typeof first) skips the conversion call.
    if (typeof v === field.ready) {
      if (field.truncate && !Number.isInteger(v)) v = Math.trunc(v as number);
    } else if (field.kind !== Kind.Plain && v !== null && v !== undefined) {
      v = convertIn(field, v, path === '' ? key : `${path}.${key}`);
    }
    if (field.transforms?.toClass) v = field.transforms.toClass(v, source);
    instance[field.property] = v;
  }
  if (extras) instance[UNDECLARED] = extras;
  return instance;
}

function convertIn(field: FieldPlan, value: unknown, path: string): unknown {
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      out[i] = item === null ? null : convertOne(field, item, `${path}[${i}]`);
    }
    return out;
  }
  return convertOne(field, value, path);
}

function convertOne(field: FieldPlan, value: unknown, path: string): unknown {
  if (field.kind === Kind.Date) return toDate(value, field, path);
  if (field.kind === Kind.Boolean) return toBoolean(value, field, path);
  if (field.kind !== Kind.Inner) return toNumber(value, field, path);
  if (!isObject(value)) {
    const plan = field.inner!();
    throw invalidSource(
      `${path} is ${describe(value)} where a ${plan.className} object is declared`,
    );
  }
  return hydrate(field.inner!(), value, path);
}

const DIGITS = /^-?\d+$/;
const YEAR = /^-?\d{4}$/;
// ISO-8601 as Elasticsearch reads it: parts may stop after year-month, day or hour, a fraction
// may follow a comma, an offset may be +hh, +hhmm or +hh:mm, and no offset means UTC (so does a
// space before the time, as custom formats such as "yyyy-MM-dd HH:mm:ss" write it).
const ISO =
  /^(-?\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?$/;

function toDate(value: unknown, field: FieldPlan, path: string): Date {
  const out = field.dateOut;
  let ms: number;
  if (typeof value === 'number') {
    // Elasticsearch reads 2024 as the year 2024 under the default format, not as 2024 ms.
    ms =
      field.yearFirst &&
      Number.isInteger(value) &&
      Math.abs(value) >= 1000 &&
      Math.abs(value) <= 9999
        ? yearStart(value)
        : out === DateOut.Seconds
          ? value * 1000
          : value;
  } else if (typeof value === 'string') {
    // Fast path: what toSource writes (and most clients send) is ISO-8601 UTC, ending in Z.
    ms = value.charCodeAt(value.length - 1) === 90 ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(ms)) ms = parseDateString(value, field);
  } else if (value instanceof Date) ms = value.getTime();
  else ms = Number.NaN;
  if (Number.isNaN(ms)) {
    throw invalidSource(
      `${path} is ${describe(value)}, which is not a date (ISO-8601 or epoch millis); store dates in one of those forms or declare the field as Keyword`,
    );
  }
  return new Date(ms);
}

// ---------------------------------------------------------------- numbers and booleans

// A decimal number as Elasticsearch's coercion reads one from a string (surrounding spaces
// allowed): sign, digits with an optional fraction, an optional exponent. No hex, no "NaN".
const NUMERIC = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A value of a numeric field as Elasticsearch coerces it (`coerce` is on by default): a numeric
 * string becomes a number, integer types drop the fraction (toward zero, as Elasticsearch
 * indexes them), long types beyond 2^53 become an exact bigint, `""` is no value (null).
 */
function toNumber(value: unknown, field: FieldPlan, path: string): unknown {
  if (typeof value === 'number') return field.truncate ? Math.trunc(value) : value;
  if (typeof value === 'bigint') {
    if (field.kind === Kind.Long) return value;
  } else if (typeof value === 'string') {
    if (value.trim() === '') return null;
    const m = NUMERIC.exec(value);
    if (m !== null && (m[2] !== '' || (m[3] !== undefined && m[3] !== ''))) {
      const n = field.kind === Kind.Long ? exactInteger(m) : Number(value);
      if (typeof n === 'bigint') return n;
      if (Number.isFinite(n)) return field.truncate ? Math.trunc(n) + 0 : n;
    }
  }
  if (field.lenient) return value;
  throw invalidSource(
    `${path} is ${describe(value)}, which is not a number for this ${field.type} field; store a number or a numeric string, or set ignore_malformed: true on the field to keep such values`,
  );
}

/**
 * The integer part of a numeric string, exactly: a number within 2^53, a bigint beyond it;
 * NaN when it is too large for 64 bits (Elasticsearch refuses those).
 */
function exactInteger(m: RegExpExecArray): number | bigint {
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = m;
  const shift = Number(exponent);
  let digits: string;
  if (shift >= 0) {
    if (shift > 40) return Number.NaN;
    digits = whole + fraction.slice(0, shift).padEnd(shift, '0');
  } else digits = whole.slice(0, Math.max(0, whole.length + shift));
  digits = digits.replace(/^0+/, '');
  if (digits === '') return 0;
  if (digits.length > 40) return Number.NaN;
  const big = BigInt(sign + digits);
  return big <= MAX_SAFE && big >= -MAX_SAFE ? Number(big) : big;
}

/** A value of a boolean field as Elasticsearch reads it: true, false, "true", "false", "" (false). */
function toBoolean(value: unknown, field: FieldPlan, path: string): unknown {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  if (typeof value === 'boolean' || field.lenient) return value;
  throw invalidSource(
    `${path} is ${describe(value)}, which is not a boolean: Elasticsearch stores true, false, "true", "false" or "" (false) in a boolean field`,
  );
}

function parseDateString(value: string, field: FieldPlan): number {
  for (const read of field.readDate) {
    const ms = read(value);
    if (ms !== undefined) return ms;
  }
  if (field.yearFirst && YEAR.test(value)) return yearStart(Number(value));
  if (DIGITS.test(value)) return Number(value) * (field.dateOut === DateOut.Seconds ? 1000 : 1);
  const m = ISO.exec(value);
  if (m === null) return Date.parse(value);
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps the years 0-99 to 1900-1999.
  date.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, m[3] === undefined ? 1 : Number(m[3]));
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  date.setUTCHours(Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), millis);
  return date.getTime() - offsetMillis(m[8]);
}

/** Milliseconds east of UTC of an ISO offset (`Z`, `+01`, `+0130`, `-01:30`). */
function offsetMillis(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return (zone[0] === '-' ? -minutes : minutes) * 60_000;
}

function yearStart(year: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, 0, 1);
  return date.getTime();
}

// ---------------------------------------------------------------- dehydration

function dehydrate(
  plan: ClassPlan,
  instance: Record<string | symbol, unknown>,
  path: string,
  root: string,
  ancestors: object[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of plan.fields) {
    if (field.transforms?.skipToPlain) continue;
    let v = instance[field.property];
    if (field.transforms?.toPlain) v = field.transforms.toPlain(v, instance);
    if (v === undefined) continue;
    if (v === null) out[field.name] = v;
    else if (field.kind === Kind.Plain) {
      // NaN, Infinity, an Invalid Date: JSON.stringify would store null (the core's check).
      if (typeof v === 'object' || typeof v === 'number') {
        const bad = findNonFinite(v);
        if (bad !== undefined)
          throw nonFiniteField(join(path, field.property), bad.path, bad.value, root);
      }
      out[field.name] = v;
    } else out[field.name] = convertOut(field, v, join(path, field.property), root, ancestors);
  }
  const extras = instance[UNDECLARED] as Record<string, unknown> | undefined;
  if (extras) {
    for (const key in extras) {
      // What the instance wrote wins; extras fill in only what it did not.
      if (Object.hasOwn(out, key)) continue;
      // Assigning "__proto__" on a plain object would set its prototype: define it as data.
      if (key === '__proto__') {
        Object.defineProperty(out, key, {
          value: extras[key],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else out[key] = extras[key];
    }
  }
  return out;
}

function convertOut(
  field: FieldPlan,
  value: unknown,
  path: string,
  root: string,
  ancestors: object[],
): unknown {
  if (Array.isArray(value)) {
    return value.map((item, i) =>
      item === null ? null : convertOutOne(field, item, `${path}.${i}`, root, ancestors),
    );
  }
  return convertOutOne(field, value, path, root, ancestors);
}

function convertOutOne(
  field: FieldPlan,
  value: unknown,
  path: string,
  root: string,
  ancestors: object[],
): unknown {
  if (field.kind === Kind.Inner) {
    if (!isObject(value)) return finite(value, path, root);
    // A _source is a tree: an inner document that holds one of its own ancestors has no JSON form.
    if (ancestors.includes(value)) {
      throw new OrmValidationError(
        root,
        [
          {
            code: 'custom',
            path: issuePath(path),
            message:
              'refers back to an object that contains it (a cycle); a _source must be a tree',
            input: value,
          },
        ],
        { skippable: false },
      );
    }
    ancestors.push(value);
    try {
      return dehydrate(
        field.inner!(),
        value as Record<string | symbol, unknown>,
        path,
        root,
        ancestors,
      );
    } finally {
      ancestors.pop();
    }
  }
  // Strings and numbers are already source forms (epoch millis), but not a NaN one.
  if (!(value instanceof Date)) return finite(value, path, root);
  const ms = value.getTime();
  if (Number.isNaN(ms)) throw nonFiniteField(path, [], value, root);
  return field.writeDate(ms);
}

function finite(value: unknown, path: string, root: string): unknown {
  if (isNonFinite(value)) throw nonFiniteField(path, [], value, root);
  return value;
}

function join(path: string, property: string): string {
  return path === '' ? property : `${path}.${property}`;
}

/** The field (and the place inside its value) that holds NaN, Infinity or an Invalid Date. */
function nonFiniteField(
  path: string,
  inside: readonly JsonPathSegment[],
  value: unknown,
  root: string,
): OrmValidationError {
  const fix =
    typeof value === 'number'
      ? 'set a finite number, or null to clear the field'
      : 'set a valid Date, or null to clear the field';
  return new OrmValidationError(
    root,
    [
      {
        code: 'custom',
        path: [...issuePath(path), ...inside],
        message: `${nonFiniteReason(value)}: ${fix}`,
        input: value,
      },
    ],
    { skippable: false },
  );
}

// ---------------------------------------------------------------- helpers

/** A dotted path (`comments.0.at`) as a zod issue path (`['comments', 0, 'at']`). */
function issuePath(path: string): (string | number)[] {
  return path.split('.').map((p) => (DIGITS.test(p) ? Number(p) : p));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}${typeof value === 'number' ? ` (${value})` : ''}`;
}

function invalidSource(what: string): OrmError {
  return new OrmError(
    'ORM_INVALID_SOURCE',
    `Cannot hydrate: ${what}. Fix the stored document or the model.`,
  );
}
