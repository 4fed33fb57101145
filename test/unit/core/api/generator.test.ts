import { describe, expect, it } from 'vitest';
import { generate } from '../../../../scripts/generate-api/generate.js';
import type { Model, SpecType, ValueOf } from '../../../../scripts/generate-api/metamodel.js';
import { assignNames, baseTypeName } from '../../../../scripts/generate-api/naming.js';

const ref = (namespace: string, name: string, generics?: ValueOf[]): ValueOf => ({
  kind: 'instance_of',
  type: { namespace, name },
  ...(generics ? { generics } : {}),
});
const str = ref('_builtins', 'string');

// A small model in the specification's shape: search with a generic response, a query with a
// shortcut property, an enum with boolean members, extra keys, and two types that share a name.
const types: SpecType[] = [
  { kind: 'type_alias', name: { namespace: '_types', name: 'Field' }, type: str },
  { kind: 'type_alias', name: { namespace: '_types', name: 'AggregateName' }, type: str },
  {
    kind: 'type_alias',
    name: { namespace: '_types.aggregations', name: 'Aggregate' },
    type: ref('_builtins', 'number'),
  },
  { kind: 'interface', name: { namespace: '_types', name: 'RequestBase' }, properties: [] },
  {
    kind: 'enum',
    name: { namespace: '_types', name: 'Refresh' },
    members: [{ name: 'true' }, { name: 'false' }, { name: 'wait_for' }],
  },
  {
    kind: 'interface',
    name: { namespace: '_types.query_dsl', name: 'MatchQuery' },
    shortcutProperty: 'query',
    properties: [{ name: 'query', required: true, type: str }],
  },
  {
    kind: 'interface',
    name: { namespace: '_types', name: 'Settings' },
    behaviors: [
      {
        type: { namespace: '_spec_utils', name: 'AdditionalProperties' },
        generics: [str, { kind: 'user_defined_value' }],
      },
    ],
    properties: [{ name: 'number_of_shards', required: false, type: ref('_builtins', 'number') }],
  },
  { kind: 'type_alias', name: { namespace: '_types', name: 'FooBar' }, type: str },
  {
    kind: 'type_alias',
    name: { namespace: '_types.foo', name: 'Bar' },
    type: ref('_builtins', 'number'),
  },
  {
    kind: 'interface',
    name: { namespace: '_global.search', name: 'ResponseBody' },
    generics: [{ namespace: '_global.search.ResponseBody', name: 'TDocument' }],
    properties: [
      {
        name: 'hits',
        required: true,
        type: { kind: 'array_of', value: ref('_global.search.ResponseBody', 'TDocument') },
      },
      {
        name: 'aggregations',
        required: false,
        type: {
          kind: 'dictionary_of',
          key: ref('_types', 'AggregateName'),
          value: ref('_types.aggregations', 'Aggregate'),
          singleKey: false,
        },
      },
    ],
  },
  {
    kind: 'request',
    name: { namespace: '_global.search', name: 'Request' },
    inherits: { type: { namespace: '_types', name: 'RequestBase' } },
    path: [{ name: 'index', required: false, type: str }],
    query: [
      { name: 'q', required: false, type: str },
      { name: 'refresh', required: false, type: ref('_types', 'Refresh') },
    ],
    body: {
      kind: 'properties',
      properties: [
        {
          name: 'query',
          required: false,
          aliases: ['q2'],
          type: {
            kind: 'dictionary_of',
            key: ref('_types', 'Field'),
            value: ref('_types.query_dsl', 'MatchQuery'),
            singleKey: true,
          },
        },
      ],
    },
  },
  {
    kind: 'response',
    name: { namespace: '_global.search', name: 'Response' },
    generics: [{ namespace: '_global.search.Response', name: 'TDocument' }],
    body: {
      kind: 'value',
      value: ref('_global.search', 'ResponseBody', [ref('_global.search.Response', 'TDocument')]),
    },
  },
  {
    kind: 'request',
    name: { namespace: 'indices.exists', name: 'Request' },
    path: [{ name: 'index', required: true, type: str }],
    query: [],
    body: { kind: 'no_body' },
  },
  {
    kind: 'response',
    name: { namespace: 'indices.exists', name: 'Response' },
    body: { kind: 'no_body' },
  },
];

const model: Model = {
  types,
  endpoints: [
    {
      name: 'search',
      description: 'Run a search.',
      docUrl: 'https://example.invalid/search',
      availability: { stack: { since: '0.0.0' } },
      request: { namespace: '_global.search', name: 'Request' },
      response: { namespace: '_global.search', name: 'Response' },
      requestBodyRequired: false,
      urls: [
        { path: '/_search', methods: ['GET', 'POST'] },
        { path: '/{index}/_search', methods: ['GET', 'POST'] },
      ],
    },
    {
      name: 'indices.exists',
      description: 'Check indices.',
      availability: {},
      request: { namespace: 'indices.exists', name: 'Request' },
      response: { namespace: 'indices.exists', name: 'Response' },
      requestBodyRequired: false,
      urls: [{ path: '/{index}', methods: ['HEAD'] }],
    },
    {
      name: '_internal.secret',
      description: 'Internal.',
      availability: {},
      request: { namespace: 'indices.exists', name: 'Request' },
      response: { namespace: 'indices.exists', name: 'Response' },
      requestBodyRequired: false,
      urls: [{ path: '/_internal', methods: ['GET'] }],
    },
  ],
};

describe('API generator', () => {
  it('names types by the namespace rule', () => {
    const cases: [string, string, string][] = [
      ['_types.query_dsl', 'MatchQuery', 'QueryDslMatchQuery'],
      ['_types.aggregations', 'TermsAggregation', 'AggregationsTermsAggregation'],
      ['_types', 'Field', 'Field'],
      ['_global.search', 'Request', 'SearchRequest'],
      ['_global.search._types', 'Hit', 'SearchHit'],
      ['indices.create', 'Request', 'IndicesCreateRequest'],
      ['search_application.put', 'Request', 'SearchApplicationPutRequest'],
    ];
    for (const [namespace, name, expected] of cases)
      expect(baseTypeName({ namespace, name })).toBe(expected);
  });

  it('resolves name collisions deterministically and reports them', () => {
    const table = assignNames(types);
    expect(table.names.get('_types::FooBar')).toBe('FooBar');
    expect(table.names.get('_types.foo::Bar')).toBe('FooBar2');
    expect(table.collisions).toEqual([
      { spec: '_types.foo/Bar', natural: 'FooBar', given: 'FooBar2' },
    ]);
    expect(assignNames([...types].reverse()).names).toEqual(table.names);
  });

  it('emits generic responses with TAggregations where aggregations are carried', () => {
    const out = generate(model).get('types.ts')!;
    expect(out).toContain(
      'export type SearchResponse<TDocument = unknown, TAggregations = Record<AggregateName, AggregationsAggregate>> = SearchResponseBody<TDocument, TAggregations>;',
    );
    expect(out).toContain('  hits: TDocument[];');
    expect(out).toContain('  aggregations?: TAggregations;');
  });

  it('flattens path, query and body into the request, with aliases, shortcuts and a raw body', () => {
    const out = generate(model).get('types.ts')!;
    expect(out).toContain('export interface SearchRequest extends RequestBase {');
    expect(out).toContain(
      '  query?: Partial<Record<Field, QueryDslMatchQuery | string>> | undefined;',
    );
    expect(out).toContain(
      '  q2?: Partial<Record<Field, QueryDslMatchQuery | string>> | undefined;',
    );
    expect(out).toContain('  refresh?: Refresh | undefined;');
    expect(out).toContain('  body?: Record<string, any> | string | Uint8Array | undefined;');
    expect(out).toContain('export type Refresh = boolean | "true" | "false" | "wait_for";');
    expect(out).toContain('export type IndicesExistsResponse = boolean;');
  });

  it('splits types with extra keys into known keys and an index signature', () => {
    const out = generate(model).get('types.ts')!;
    expect(out).toContain('export interface SettingsKeys {');
    expect(out).toContain('export type Settings = SettingsKeys & { [property: string]: any };');
  });

  it('writes one descriptor and one typed method per public endpoint, leaving _internal out', () => {
    const files = generate(model);
    expect(files.get('endpoints.ts')).toContain(
      'export const search = /* @__PURE__ */ d("search", "GET,POST /{index}/_search|GET,POST /_search", "query,q2", "");',
    );
    expect(files.get('endpoints.ts')).toContain(
      'd("indices.exists", "HEAD /{index}", "", "index")',
    );
    expect(files.get('endpoints.ts')).not.toContain('_internal');
    const api = files.get('api.ts')!;
    expect(api).toContain(
      '  search<TDocument = unknown, TAggregations = Record<T.AggregateName, T.AggregationsAggregate>>(params?: T.SearchRequest, options?: OptionsWithoutMeta): Promise<T.SearchResponse<TDocument, TAggregations>>;',
    );
    expect(api).toContain('   * @see {@link https://example.invalid/search}');
    expect(api).toContain(
      '  exists(params: T.IndicesExistsRequest, options?: OptionsWithoutMeta): Promise<T.IndicesExistsResponse>;',
    );
    expect(JSON.parse(files.get('report.json')!).excluded).toEqual([
      { name: '_internal.secret', reason: expect.stringContaining('internal API') },
    ]);
  });
});
