// Where the project keeps its copies of third-party data (vendor/README.md), and how the
// generators read the specification: a clone needs nothing beside it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Elasticsearch specification, gzipped (vendor/spec/ORIGIN.md). */
export const VENDORED_SPEC = resolve(projectRoot, 'vendor/spec/schema.json.gz');

/** The clients' YAML REST test suite (vendor/clients-tests/ORIGIN.md). */
export const VENDORED_TESTS = resolve(projectRoot, 'vendor/clients-tests/tests');

/** A spec path that does not exist or cannot be read as the specification. */
export class SpecUnreadable extends Error {
  override name = 'SpecUnreadable';
}

/**
 * The specification at `path` (`schema.json`, or gzipped when it ends in `.gz`), parsed. Throws
 * {@link SpecUnreadable} naming the path when it is missing or is not the specification's JSON.
 */
export function readSpec<T = { endpoints: unknown[]; types: unknown[] }>(path: string): T {
  if (!existsSync(path)) {
    throw new SpecUnreadable(
      `spec not found at ${path} (the default is ${VENDORED_SPEC}; pass --spec path/to/schema.json[.gz] or set ELASTIQ_SPEC)`,
    );
  }
  let spec: unknown;
  try {
    const raw = readFileSync(path);
    spec = JSON.parse((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SpecUnreadable(`cannot read the spec at ${path}: ${reason}`);
  }
  const shape = spec as { endpoints?: unknown; types?: unknown } | null;
  if (!Array.isArray(shape?.endpoints) || !Array.isArray(shape?.types)) {
    throw new SpecUnreadable(
      `${path} is not the Elasticsearch specification (schema.json with "endpoints" and "types" arrays)`,
    );
  }
  return spec as T;
}
