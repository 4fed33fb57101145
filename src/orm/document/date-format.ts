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
    const tokens = patternTokens(name);
    if (tokens) return patternWriter(tokens);
  }
  return iso;
}

/** Reads a date string in one format: epoch millis (UTC), or undefined when it does not fit. */
export type DateReader = (value: string) => number | undefined;

/**
 * Readers for the pattern formats of a field's `format` (`dd/MM/yyyy`, `strict_date`, ...), in
 * order; the ISO-8601 and epoch formats are left to the caller. Date.parse would read
 * `01/05/2024` as January 5 in the local zone, where `dd/MM/yyyy` means May 1, UTC.
 */
export function dateReaders(format: unknown): readonly DateReader[] {
  if (typeof format !== 'string') return [];
  const readers: DateReader[] = [];
  for (const raw of format.split('||')) {
    const tokens = patternTokens(raw.trim());
    if (tokens) readers.push(patternReader(tokens));
  }
  return readers;
}

/** A literal, or a run of one pattern letter (`yyyy` is `{ letter: 'y', count: 4 }`). */
type Token = string | { readonly letter: string; readonly count: number };

const LETTERS = new Set(['y', 'u', 'M', 'd', 'H', 'm', 's', 'S']);

/** The tokens of a named fixed-width format or a Java date pattern; undefined if unsupported. */
function patternTokens(name: string): readonly Token[] | undefined {
  if (ISO_FORMATS.has(name) || name === 'epoch_millis' || name === 'epoch_second') return undefined;
  const bare = name.startsWith('strict_') ? name.slice('strict_'.length) : name;
  const pattern = NAMED_PATTERNS[bare] ?? name;
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === -1) return undefined;
      tokens.push(end === i + 1 ? "'" : pattern.slice(i + 1, end));
      i = end + 1;
    } else if (/[A-Za-z]/.test(ch)) {
      let count = 1;
      while (pattern[i + count] === ch) count++;
      // Month names, 12-hour clocks, zones, week dates...: not written or read here.
      if (!LETTERS.has(ch) || (ch !== 'y' && ch !== 'u' && ch !== 'S' && count > 2)) {
        return undefined;
      }
      tokens.push({ letter: ch, count });
      i += count;
    } else {
      tokens.push(ch);
      i++;
    }
  }
  return tokens.some((t) => typeof t !== 'string') ? tokens : undefined;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function patternWriter(tokens: readonly Token[]): DateWriter {
  return (ms) => {
    const d = new Date(ms);
    let out = '';
    for (const t of tokens) out += typeof t === 'string' ? t : field(d, t.letter, t.count);
    return out;
  };
}

function field(d: Date, letter: string, count: number): string {
  switch (letter) {
    case 'y':
    case 'u':
      return count === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), count);
    case 'M':
      return pad(d.getUTCMonth() + 1, count);
    case 'd':
      return pad(d.getUTCDate(), count);
    case 'H':
      return pad(d.getUTCHours(), count);
    case 'm':
      return pad(d.getUTCMinutes(), count);
    case 's':
      return pad(d.getUTCSeconds(), count);
    default: // 'S': the fraction of a second, to `count` digits
      return pad(d.getUTCMilliseconds(), 3).padEnd(count, '0').slice(0, count);
  }
}

function patternReader(tokens: readonly Token[]): DateReader {
  const letters: { readonly letter: string; readonly count: number }[] = [];
  let source = '^';
  for (const t of tokens) {
    if (typeof t === 'string') {
      source += t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    letters.push(t);
    const year = t.letter === 'y' || t.letter === 'u';
    source +=
      year && t.count !== 2
        ? `(-?\\d{${Math.max(t.count, 4)}})`
        : t.count === 1
          ? '(\\d{1,2})'
          : `(\\d{${t.count}})`;
  }
  const regex = new RegExp(`${source}$`);
  return (value) => {
    const m = regex.exec(value);
    if (m === null) return undefined;
    const parts = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
    letters.forEach((t, i) => {
      const text = m[i + 1]!;
      if (t.letter === 'S') parts.S = Number(text.slice(0, 3).padEnd(3, '0'));
      else if (t.letter === 'y' || t.letter === 'u') {
        parts.y = t.count === 2 ? 2000 + Number(text) : Number(text);
      } else parts[t.letter as 'M' | 'd' | 'H' | 'm' | 's'] = Number(text);
    });
    const date = new Date(0);
    date.setUTCFullYear(parts.y, parts.M - 1, parts.d);
    date.setUTCHours(parts.H, parts.m, parts.s, parts.S);
    return date.getTime();
  };
}
