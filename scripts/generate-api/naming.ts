import { type SpecType, type TypeName, typeKey } from './metamodel.js';

/** `query_dsl` -> `QueryDsl`. */
export function pascalCase(segment: string): string {
  return segment
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** `put_mapping` -> `putMapping` (method and namespace names, as the official JS client spells them). */
export function camelCase(snake: string): string {
  const pascal = pascalCase(snake);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

/**
 * The TypeScript name of a spec type: namespace segments that do not start with `_`, in
 * PascalCase, then the type's own name (`_types.query_dsl`/`MatchQuery` -> `QueryDslMatchQuery`).
 */
export function baseTypeName(name: TypeName): string {
  const prefix = name.namespace
    .split('.')
    .filter((segment) => segment !== '' && !segment.startsWith('_'))
    .map(pascalCase)
    .join('');
  return prefix + name.name;
}

/** Names TypeScript or the generated code already uses: a spec type may not take them. */
const RESERVED = new Set([
  'Array',
  'Record',
  'Partial',
  'Promise',
  'Date',
  'Error',
  'Map',
  'Set',
  'Object',
  'String',
  'Number',
  'Boolean',
  'Symbol',
  'Function',
  'ArrayBuffer',
  'Uint8Array',
  // Exported by the package root for other purposes (the connection layer's node roles).
  'NodeRoles',
  'Api',
]);

export interface NameTable {
  readonly names: ReadonlyMap<string, string>;
  /** Spec types whose natural name was taken, with the name they got instead. */
  readonly collisions: readonly { spec: string; natural: string; given: string }[];
}

/**
 * Assigns every type a unique name. Types are visited sorted by namespace then name, so the
 * first keeps the natural name and later ones get a numeric suffix: deterministic for one spec.
 */
export function assignNames(types: readonly SpecType[]): NameTable {
  const sorted = [...types].sort((a, b) => typeKey(a.name).localeCompare(typeKey(b.name)));
  const taken = new Set(RESERVED);
  const names = new Map<string, string>();
  const collisions: { spec: string; natural: string; given: string }[] = [];
  for (const type of sorted) {
    const natural = baseTypeName(type.name);
    let given = natural;
    for (let n = 2; taken.has(given) || taken.has(`${given}Keys`); n++) given = `${natural}${n}`;
    if (given !== natural) {
      collisions.push({ spec: `${type.name.namespace}/${type.name.name}`, natural, given });
    }
    taken.add(given);
    names.set(typeKey(type.name), given);
  }
  return { names, collisions };
}
