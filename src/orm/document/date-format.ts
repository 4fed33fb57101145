/**
 * How `toSource` writes a `Date` so that the field's `format` accepts it: Elasticsearch refuses a
 * date string its formats cannot parse, so an ISO string in a `yyyy-MM-dd` field fails the save.
 * The first of the field's formats (`a||b`) that can be written is used: the ISO-8601 ones, the
 * epoch ones, the named fixed-width ones, and patterns made of `y u M d H m s S` and literals.
 */

/** Writes one date (epoch millis, UTC) in a form the field's format reads. */
export type DateWriter = (ms: number) => string | number;

const iso: DateWriter = (ms) => new Date(ms).toISOString();
const millis: DateWriter = (ms) => ms;
const seconds: DateWriter = (ms) => Math.floor(ms / 1000);

// Named formats that read what toISOString writes (a date-time with millis and Z).
const ISO_FORMATS = new Set([
  'strict_date_optional_time',
  'date_optional_time',
  'strict_date_optional_time_nanos',
  'date_time',
  'strict_date_time',
  'iso8601',
]);

// Named fixed-width formats, as the pattern that writes them.
const NAMED_PATTERNS: Readonly<Record<string, string>> = {
  date: 'yyyy-MM-dd',
  year_month_day: 'yyyy-MM-dd',
  basic_date: 'yyyyMMdd',
  date_hour_minute: "yyyy-MM-dd'T'HH:mm",
  date_hour_minute_second: "yyyy-MM-dd'T'HH:mm:ss",
  date_hour_minute_second_millis: "yyyy-MM-dd'T'HH:mm:ss.SSS",
  date_hour_minute_second_fraction: "yyyy-MM-dd'T'HH:mm:ss.SSS",
  date_time_no_millis: "yyyy-MM-dd'T'HH:mm:ss'Z'",
  basic_date_time: "yyyyMMdd'T'HHmmss.SSS'Z'",
  basic_date_time_no_millis: "yyyyMMdd'T'HHmmss'Z'",
  year_month: 'yyyy-MM',
  year: 'yyyy',
};

/**
 * The writer for a date field's `format` (ISO-8601 when there is none, or when no format of the
 * list can be written: Elasticsearch then names the format it could not parse).
 */
export function dateWriter(format: unknown): DateWriter {
  if (typeof format !== 'string') return iso;
  for (const raw of format.split('||')) {
    const name = raw.trim();
    if (ISO_FORMATS.has(name)) return iso;
    if (name === 'epoch_millis') return millis;
    if (name === 'epoch_second') return seconds;
    const bare = name.startsWith('strict_') ? name.slice('strict_'.length) : name;
    const writer = patternWriter(NAMED_PATTERNS[bare] ?? name);
    if (writer) return writer;
  }
  return iso;
}

type Part = string | ((date: Date) => string);

/** A writer for a Java date pattern, or undefined when it uses a letter this cannot write. */
function patternWriter(pattern: string): DateWriter | undefined {
  const parts: Part[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === -1) return undefined;
      parts.push(end === i + 1 ? "'" : pattern.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      parts.push(ch);
      i++;
      continue;
    }
    let count = 1;
    while (pattern[i + count] === ch) count++;
    const part = letterPart(ch, count);
    if (!part) return undefined;
    parts.push(part);
    i += count;
  }
  if (!parts.some((p) => typeof p === 'function')) return undefined;
  return (ms) => {
    const date = new Date(ms);
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(date);
    return out;
  };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function letterPart(letter: string, count: number): ((date: Date) => string) | undefined {
  switch (letter) {
    case 'y':
    case 'u':
      return count === 2
        ? (d) => pad(d.getUTCFullYear() % 100, 2)
        : (d) => pad(d.getUTCFullYear(), count);
    case 'M':
      return count <= 2 ? (d) => pad(d.getUTCMonth() + 1, count) : undefined;
    case 'd':
      return count <= 2 ? (d) => pad(d.getUTCDate(), count) : undefined;
    case 'H':
      return count <= 2 ? (d) => pad(d.getUTCHours(), count) : undefined;
    case 'm':
      return count <= 2 ? (d) => pad(d.getUTCMinutes(), count) : undefined;
    case 's':
      return count <= 2 ? (d) => pad(d.getUTCSeconds(), count) : undefined;
    case 'S':
      return (d) => pad(d.getUTCMilliseconds(), 3).padEnd(count, '0').slice(0, count);
    default:
      return undefined;
  }
}
