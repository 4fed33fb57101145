import { describe, expect, it } from 'vitest';
import { diffMappings } from '../../../src/orm/migrations/mapping-diff.js';

const live = {
  properties: {
    title: { type: 'text', analyzer: 'standard', fields: { raw: { type: 'keyword' } } },
    tags: { type: 'keyword' },
    published: { type: 'date' },
    author: { properties: { name: { type: 'keyword' } } },
    vec: {
      type: 'dense_vector',
      dims: 3,
      index: true,
      similarity: 'cosine',
      index_options: { type: 'int8_hnsw', m: 16, ef_construction: 100 },
    },
  },
};

function desired(overrides: Record<string, unknown> = {}, drop: string[] = []) {
  const properties: Record<string, unknown> = {
    title: { type: 'text', analyzer: 'standard', fields: { raw: { type: 'keyword' } } },
    tags: { type: 'keyword' },
    published: { type: 'date' },
    author: { properties: { name: { type: 'keyword' } } },
    vec: { type: 'dense_vector', dims: 3 },
    ...overrides,
  };
  for (const name of drop) delete properties[name];
  return { properties };
}

describe('diffMappings', () => {
  it('plans createIndex when the index does not exist', () => {
    expect(diffMappings(desired(), undefined)).toEqual({ action: 'createIndex', changes: [] });
  });

  it('sees no change when the live mapping only adds server-filled dense_vector options', () => {
    expect(diffMappings(desired(), live)).toEqual({ action: 'none', changes: [] });
  });

  it('treats parameters at their Elasticsearch default as unchanged (the server omits them)', () => {
    const withDefaults = desired({
      tags: { type: 'keyword', index: true, doc_values: true, store: false },
      published: { type: 'date', format: 'strict_date_optional_time||epoch_millis' },
    });
    expect(diffMappings(withDefaults, live).action).toBe('none');
  });

  it('plans putMapping for an added field, naming it', () => {
    const diff = diffMappings(desired({ likes: { type: 'integer' } }), live);
    expect(diff.action).toBe('putMapping');
    expect(diff.changes).toEqual([
      { path: 'likes', kind: 'added', additive: true, description: 'likes: new integer field' },
    ]);
  });

  it('plans putMapping for an added multi-field and an added inner object field', () => {
    const diff = diffMappings(
      desired({
        title: {
          type: 'text',
          analyzer: 'standard',
          fields: { raw: { type: 'keyword' }, en: { type: 'text', analyzer: 'english' } },
        },
        author: { properties: { name: { type: 'keyword' }, email: { type: 'keyword' } } },
      }),
      live,
    );
    expect(diff.action).toBe('putMapping');
    expect(diff.changes.map((c) => `${c.kind} ${c.path}`)).toEqual([
      'added title.en',
      'added author.email',
    ]);
    // a search on the new multi-field would silently miss every document stored before
    expect(diff.changes[0]?.description).toBe(
      'title.en: new text multi-field (documents already stored are not indexed into it until rewritten: run _update_by_query after, or use migrateIndex)',
    );
  });

  it('plans migrateIndex for a changed type and says from what to what', () => {
    const diff = diffMappings(desired({ tags: { type: 'text' } }), live);
    expect(diff.action).toBe('migrateIndex');
    expect(diff.changes).toEqual([
      {
        path: 'tags',
        kind: 'changed',
        additive: false,
        description: 'tags: type keyword → text',
      },
    ]);
  });

  it('plans migrateIndex for a changed analyzer', () => {
    const diff = diffMappings(
      desired({
        title: { type: 'text', analyzer: 'english', fields: { raw: { type: 'keyword' } } },
      }),
      live,
    );
    expect(diff.action).toBe('migrateIndex');
    expect(diff.changes[0]?.description).toBe('title: analyzer "standard" → "english"');
  });

  it('plans migrateIndex for a removed field (dynamic off) and a removed multi-field', () => {
    const diff = diffMappings(
      {
        ...desired({ title: { type: 'text', analyzer: 'standard' } }, ['published']),
        dynamic: false,
      },
      { ...live, dynamic: 'false' },
    );
    expect(diff.action).toBe('migrateIndex');
    expect(diff.changes.map((c) => `${c.kind} ${c.path} ${c.additive}`)).toEqual([
      'removed title.raw false',
      'removed published false',
    ]);
  });

  it('under dynamic mapping plans nothing for fields only the index has: a copy would map them again', () => {
    const dynamicLive = {
      properties: {
        ...live.properties,
        extra: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
        author: { properties: { name: { type: 'keyword' }, mood: { type: 'text' } } },
      },
    };
    expect(diffMappings(desired(), dynamicLive)).toEqual({ action: 'none', changes: [] });
  });

  it('an object with dynamic strict reports its removed fields, saying the copy refuses them', () => {
    const strictAuthor = { dynamic: 'strict', properties: { name: { type: 'keyword' } } };
    const diff = diffMappings(desired({ author: strictAuthor }), {
      properties: {
        ...live.properties,
        author: {
          ...strictAuthor,
          properties: { name: { type: 'keyword' }, age: { type: 'long' } },
        },
      },
    });
    expect(diff.action).toBe('migrateIndex');
    expect(diff.changes.map((c) => c.path)).toEqual(['author.age']);
    expect(diff.changes[0]?.description).toContain('drop it in a transform');
  });

  it('plans migrateIndex when a breaking change comes with additions', () => {
    const diff = diffMappings(
      desired({ tags: { type: 'text' }, likes: { type: 'integer' } }),
      live,
    );
    expect(diff.action).toBe('migrateIndex');
    expect(diff.changes).toHaveLength(2);
  });

  it('treats ignore_above and dynamic as changes put_mapping can apply', () => {
    const diff = diffMappings(
      {
        dynamic: 'strict',
        properties: { ...desired().properties, tags: { type: 'keyword', ignore_above: 64 } },
      },
      live,
    );
    expect(diff.action).toBe('putMapping');
    expect(diff.changes.map((c) => c.path)).toEqual(['_mapping.dynamic', 'tags']);
  });

  it('compares numbers the server echoes as strings by value', () => {
    const diff = diffMappings(
      { properties: { tags: { type: 'keyword', ignore_above: 64 } } },
      { properties: { tags: { type: 'keyword', ignore_above: '64' } } },
    );
    expect(diff.action).toBe('none');
  });

  it('plans migrateIndex when nested becomes object', () => {
    const diff = diffMappings(
      { properties: { c: { type: 'nested', properties: { a: { type: 'keyword' } } } } },
      { properties: { c: { properties: { a: { type: 'keyword' } } } } },
    );
    expect(diff.changes[0]?.description).toBe('c: type object → nested');
    expect(diff.action).toBe('migrateIndex');
  });
});
