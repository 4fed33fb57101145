// The `Warning` response header (RFC 7234 §5.5) as Elasticsearch sends it for deprecated
// requests: `299 Elasticsearch-<version>-<hash> "<text>"`, the text escaped and percent-encoded
// by HeaderWarning#escapeAndEncode. Used by the transport (the messages a caller sees) and by the
// YAML runner (its `warnings` checks). Leaf module: imports nothing from sibling modules.

// `299 Elasticsearch-<version>-<hash> "<text>"`, as HeaderWarning#WARNING_HEADER_PATTERN.
const ELASTICSEARCH_WARNING = new RegExp(
  [
    '^299 Elasticsearch-',
    // a version (left out by builds whose version is not semantic)
    '(?:\\d+\\.\\d+\\.\\d+(?:-(?:alpha|beta|rc)\\d+)?(?:-SNAPSHOT)?-)?',
    '(?:[a-f0-9]{7}(?:[a-f0-9]{33})?|unknown) ', // the build hash
    '"(.*?)"', // the text, matched lazily so that a date after it is not taken for part of it
    '(?: "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} ',
    '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)',
    ' \\d{4} \\d{2}:\\d{2}:\\d{2} GMT")?$', // an optional date (older servers sent one)
  ].join(''),
  's',
);

// Any RFC 7234 warning-value: `warn-code SP warn-agent SP quoted-string [SP warn-date]`.
const ANY_WARNING = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"(?: "[^"]*")?$/s;

// RFC 7230 qdtext once the escaping backslashes and escaped quotes are set aside.
const QDTEXT = /^[\t !\x23-\x5b\x5d-\x7e\x80-\xff]*$/;

/**
 * The `Warning` header values of a response, one per warning: repeated headers arrive as an
 * array, and a connection that joins them gives one comma-separated value (RFC 7234 `1#warning`).
 */
export function warningHeaders(headers: Readonly<Record<string, unknown>> | undefined): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'warning' || value === undefined) continue;
    out.push(...splitWarningHeader(value));
  }
  return out;
}

/** One `Warning` header (or the list of its repeats) split into its warning-values. */
export function splitWarningHeader(value: unknown): string[] {
  const out: string[] = [];
  for (const item of Array.isArray(value) ? value : [value])
    out.push(...splitWarnings(String(item)));
  return out;
}

// Splits at commas outside quoted strings (a warning text may hold commas and escaped quotes).
function splitWarnings(value: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * The warning text of a header as sent (quotes and backslashes still escaped, other characters
 * percent-encoded); undefined when the header is not in Elasticsearch's format.
 */
export function elasticsearchWarningText(header: string): string | undefined {
  const text = ELASTICSEARCH_WARNING.exec(header)?.[1];
  if (text === undefined || !QDTEXT.test(text.replace(/[\\"]/g, ''))) return undefined;
  return text;
}

/**
 * The message of one warning-value, decoded (escapes and percent-encoding undone). A value in
 * another agent's format (a proxy, OpenSearch) gives its quoted text; one that is not a
 * warning-value at all is returned whole, so that nothing the server said is lost.
 */
export function warningMessage(header: string): string {
  const escaped = elasticsearchWarningText(header) ?? ANY_WARNING.exec(header)?.[1];
  return escaped === undefined ? header : decodeWarningText(escaped);
}

/**
 * The messages of a `Warning` header (a string, or the list of its repeats), or null when it
 * holds none. This is what `warnings` of a result carries.
 */
export function parseWarnings(header: string | readonly string[] | undefined): string[] | null {
  if (header === undefined) return null;
  const values = splitWarningHeader(header);
  return values.length === 0 ? null : values.map(warningMessage);
}

/** Undoes escapeAndEncode: `\x` quoted-pairs become `x`, `%XX` runs become their UTF-8 text. */
export function decodeWarningText(text: string): string {
  const unescaped = text.replace(/\\(.)/gs, '$1');
  if (!unescaped.includes('%')) return unescaped;
  return unescaped.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = Buffer.from(run.replace(/%/g, ''), 'hex');
    const decoded = new TextDecoder('utf-8', { fatal: true });
    try {
      return decoded.decode(bytes);
    } catch {
      return run; // not UTF-8: left as the server sent it
    }
  });
}

// What an RFC 7230 quoted-string holds as is; `%` is always encoded so that it stays unambiguous.
function needsEncoding(code: number): boolean {
  if (code === 0x09 || code === 0x20 || code === 0x21 || code === 0x22) return false;
  if (code === 0x23 || code === 0x24) return false;
  if (code >= 0x26 && code <= 0x7e) return false;
  return !(code >= 0x80 && code <= 0xff);
}

/**
 * A warning text as Elasticsearch writes it into the header (HeaderWarning#escapeAndEncode):
 * `\` and `"` escaped with a backslash, then every run of characters outside the quoted-string set
 * percent-encoded as UTF-8.
 */
export function escapeAndEncode(text: string): string {
  const escaped = text.replace(/[\\"]/g, (c) => `\\${c}`);
  let out = '';
  let i = 0;
  while (i < escaped.length) {
    if (!needsEncoding(escaped.charCodeAt(i))) {
      out += escaped[i++];
      continue;
    }
    const start = i;
    while (i < escaped.length && needsEncoding(escaped.charCodeAt(i))) i++;
    for (const byte of Buffer.from(escaped.slice(start, i), 'utf8')) {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}
