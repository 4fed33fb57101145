import {
  type Endpoint,
  type InterfaceType,
  type Model,
  type Property,
  type RequestType,
  type ResponseType,
  type SpecType,
  type TypeName,
  typeKey,
  type ValueOf,
} from './metamodel.js';
import type { NameTable } from './naming.js';

const BUILTINS: Readonly<Record<string, string>> = {
  string: 'string',
  boolean: 'boolean',
  number: 'number',
  null: 'null',
  void: 'void',
  binary: 'ArrayBuffer',
};

/** Behaviors that only shape other types (extends or index signatures), never emitted as such. */
const SHAPING_BEHAVIORS = new Set(['AdditionalProperties', 'AdditionalProperty', 'OverloadOf']);

/** Interfaces every request extends: their optional parameters take `undefined` like the rest. */
const REQUEST_PARAMETER_BASES = new Set([
  '_spec_utils::CommonQueryParameters',
  '_spec_utils::CommonCatQueryParameters',
]);

const AGGREGATIONS_PARAM = 'TAggregations';
const AGGREGATIONS_DEFAULT = 'Record<AggregateName, AggregationsAggregate>';

/** Where a type is rendered: its own generic parameters, and whether it carries TAggregations. */
interface Scope {
  readonly generics: ReadonlySet<string>;
  readonly aggregations: boolean;
}

export class TypeEmitter {
  private readonly byKey = new Map<string, SpecType>();
  /** Types that carry a TAggregations parameter (search-like responses and what wraps them). */
  readonly aggregationTypes = new Set<string>();
  /** Response types of HEAD-only endpoints: rendered as `boolean`. */
  private readonly booleanResponses = new Set<string>();

  constructor(
    private readonly model: Model,
    private readonly table: NameTable,
  ) {
    for (const type of model.types) this.byKey.set(typeKey(type.name), type);
    for (const endpoint of model.endpoints) {
      const onlyHead = endpoint.urls.every(
        (u) => u.methods.length === 1 && u.methods[0] === 'HEAD',
      );
      if (onlyHead && endpoint.response) this.booleanResponses.add(typeKey(endpoint.response));
    }
    this.findAggregationTypes();
  }

  name(type: TypeName): string {
    const name = this.table.names.get(typeKey(type));
    if (name === undefined) throw new Error(`unknown type ${type.namespace}/${type.name}`);
    return name;
  }

  hasTypeNamed(name: string): boolean {
    for (const given of this.table.names.values())
      if (given === name || `${given}Keys` === name) return true;
    return false;
  }

  lookup(type: TypeName): SpecType | undefined {
    return this.byKey.get(typeKey(type));
  }

  /** Generic parameter names of a type, TAggregations included where it applies. */
  genericNames(type: SpecType): string[] {
    const names = (type.generics ?? []).map((g) => g.name);
    if (this.aggregationTypes.has(typeKey(type.name))) names.push(AGGREGATIONS_PARAM);
    return names;
  }

  /** `<TDocument = unknown, TAggregations = ...>` for a declaration. */
  genericDeclaration(type: SpecType): string {
    const names = this.genericNames(type);
    if (names.length === 0) return '';
    const parts = names.map(
      (n) => `${n} = ${n === AGGREGATIONS_PARAM ? AGGREGATIONS_DEFAULT : 'unknown'}`,
    );
    return `<${parts.join(', ')}>`;
  }

  scopeOf(type: SpecType): Scope {
    return {
      generics: new Set((type.generics ?? []).map(typeKey)),
      aggregations: this.aggregationTypes.has(typeKey(type.name)),
    };
  }

  // Seeds: generic types with an `aggregations: Record<AggregateName, Aggregate>` property; then
  // every generic type that passes its TDocument to one of them, until nothing changes.
  private findAggregationTypes(): void {
    for (const type of this.model.types) {
      if (!type.generics?.length) continue;
      if (ownProperties(type).some(isAggregationsProperty))
        this.aggregationTypes.add(typeKey(type.name));
    }
    let grew = true;
    while (grew) {
      grew = false;
      for (const type of this.model.types) {
        const key = typeKey(type.name);
        if (!type.generics?.length || this.aggregationTypes.has(key)) continue;
        if (
          references(type).some(
            (r) => r.generics?.length && this.aggregationTypes.has(typeKey(r.type)),
          )
        ) {
          this.aggregationTypes.add(key);
          grew = true;
        }
      }
    }
  }

  render(value: ValueOf, scope: Scope): string {
    switch (value.kind) {
      case 'instance_of':
        return this.renderInstance(value.type, value.generics ?? [], scope);
      case 'array_of': {
        const inner = this.render(value.value, scope);
        return /[|&]/.test(inner) && !/^[A-Za-z]+<.*>$/.test(inner) ? `(${inner})[]` : `${inner}[]`;
      }
      case 'union_of':
        return unique(value.items.map((item) => this.render(item, scope))).join(' | ');
      case 'dictionary_of': {
        const key = this.render(value.key, scope);
        const val = this.render(value.value, scope);
        const partial = value.singleKey || !this.isStringLike(value.key);
        return partial ? `Partial<Record<${key}, ${val}>>` : `Record<${key}, ${val}>`;
      }
      case 'user_defined_value':
        return 'any';
      case 'literal_value':
        return JSON.stringify(value.value);
    }
  }

  private renderInstance(
    type: TypeName,
    generics: readonly ValueOf[],
    scope: Scope,
    shortcut = true,
  ): string {
    if (type.namespace === '_builtins') return BUILTINS[type.name] ?? 'unknown';
    if (scope.generics.has(typeKey(type))) return type.name;
    const target = this.lookup(type);
    if (target === undefined) throw new Error(`unknown type ${type.namespace}/${type.name}`);
    const args = generics.map((g) => this.render(g, scope));
    if (scope.aggregations && this.aggregationTypes.has(typeKey(type)) && args.length > 0) {
      args.push(AGGREGATIONS_PARAM);
    }
    const base = args.length ? `${this.name(type)}<${args.join(', ')}>` : this.name(type);
    // A shortcut property lets the whole object be written as that one value (`match: {f: 'text'}`).
    if (shortcut && target.kind === 'interface' && target.shortcutProperty) {
      const shortcut = target.properties.find((p) => p.name === target.shortcutProperty);
      if (shortcut) return `${base} | ${this.render(shortcut.type, this.scopeOf(target))}`;
    }
    return base;
  }

  // Record<K, V> with a string-like key; any other key (an enum) makes every key optional.
  private isStringLike(value: ValueOf): boolean {
    if (value.kind !== 'instance_of') return false;
    if (value.type.namespace === '_builtins') return value.type.name === 'string';
    const target = this.lookup(value.type);
    return target?.kind === 'type_alias' && this.isStringLike(target.type);
  }

  emitType(type: SpecType, endpoint: Endpoint | undefined): string {
    switch (type.kind) {
      case 'interface':
        return this.emitInterface(type);
      case 'enum': {
        const members = type.members.flatMap((m) => [m.name, ...(m.aliases ?? [])]);
        const literals = unique(members).map((m) => JSON.stringify(m));
        if (members.includes('true') && members.includes('false')) literals.unshift('boolean');
        if (type.isOpen) literals.push('string');
        return `${doc(type.description)}export type ${this.name(type.name)} = ${literals.join(' | ')};\n`;
      }
      case 'type_alias': {
        const scope = this.scopeOf(type);
        const body = this.render(type.type, scope);
        return `${doc(type.description)}export type ${this.name(type.name)}${this.genericDeclaration(type)} = ${body};\n`;
      }
      case 'request':
        return this.emitRequest(type, endpoint);
      case 'response':
        return this.emitResponse(type);
    }
  }

  private emitInterface(type: InterfaceType): string {
    const scope = this.scopeOf(type);
    const name = this.name(type.name);
    const extendsList = this.extendsList(type, scope);
    const body = this.properties(
      type.properties,
      scope,
      this.aggregationsOverride(scope),
      REQUEST_PARAMETER_BASES.has(typeKey(type.name)),
    );
    const generics = this.genericDeclaration(type);
    const extra = this.extraOf(type);
    if (extra === undefined) {
      return `${doc(type.description)}export interface ${name}${generics}${extendsList} {\n${body}}\n`;
    }
    // Known keys plus arbitrary ones: an index signature must admit the known keys' types too.
    const own = extra.owner === type;
    const valueType =
      own || !extra.owner.generics?.length
        ? this.render(extra.value, this.scopeOf(extra.owner))
        : 'any';
    const signature =
      valueType === 'any'
        ? 'any'
        : unique([valueType, ...this.inheritedPropertyTypes(type, scope)].flatMap(splitUnion)).join(
            ' | ',
          );
    const kept = this.keysGenerics(type);
    const keysDecl = kept.length ? `<${kept.map((n) => `${n} = unknown`).join(', ')}>` : '';
    const keysRef = `${name}Keys${kept.length ? `<${kept.join(', ')}>` : ''}`;
    return (
      `export interface ${name}Keys${keysDecl}${extendsList} {\n${body}}\n` +
      `${doc(type.description)}export type ${name}${generics} = ${keysRef} & { [property: string]: ${signature} };\n`
    );
  }

  /** The nearest type (itself or a base) declaring arbitrary extra keys, with their value type. */
  private extraOf(type: InterfaceType): { owner: InterfaceType; value: ValueOf } | undefined {
    for (let current: SpecType | undefined = type; current?.kind === 'interface'; ) {
      const behavior = (current.behaviors ?? []).find(
        (b) => b.type.name === 'AdditionalProperties' || b.type.name === 'AdditionalProperty',
      );
      if (behavior) {
        const value = behavior.generics?.[1] ?? { kind: 'user_defined_value' as const };
        return { owner: current, value };
      }
      current = current.inherits ? this.lookup(current.inherits.type) : undefined;
    }
    return undefined;
  }

  private readonly keysGenericsMemo = new Map<string, string[]>();

  // The `Keys` half declares only the generic parameters its own body uses (the others serve
  // the index signature alone, and an unused parameter is a compile error).
  private keysGenerics(type: InterfaceType): string[] {
    const key = typeKey(type.name);
    const memo = this.keysGenericsMemo.get(key);
    if (memo) return memo;
    const scope = this.scopeOf(type);
    const text =
      this.extendsList(type, scope) +
      this.properties(type.properties, scope, this.aggregationsOverride(scope));
    const kept = this.genericNames(type).filter((n) => new RegExp(`\\b${n}\\b`).test(text));
    this.keysGenericsMemo.set(key, kept);
    return kept;
  }

  // Types of every property the object can carry, own and inherited; `any` if a base is generic.
  private inheritedPropertyTypes(type: InterfaceType, scope: Scope): string[] {
    const types = type.properties.map((p) => this.render(p.type, scope));
    let base = type.inherits;
    while (base) {
      const target = this.lookup(base.type);
      if (target?.kind !== 'interface') break;
      if (target.generics?.length) return ['any'];
      const baseScope = this.scopeOf(target);
      types.push(...target.properties.map((p) => this.render(p.type, baseScope)));
      base = target.inherits;
    }
    return types;
  }

  // A base with extra keys is extended through its `Keys` half, so its index signature does not
  // clash with this type's own properties (which get their own signature).
  private parentReference(name: TypeName, generics: readonly ValueOf[], scope: Scope): string {
    const target = this.lookup(name);
    if (target?.kind !== 'interface' || this.extraOf(target) === undefined) {
      return this.renderInstance(name, generics, scope, false);
    }
    const names = (target.generics ?? []).map((g) => g.name);
    const kept = this.keysGenerics(target);
    const args = generics
      .map((g, i) => ({ name: names[i], text: this.render(g, scope) }))
      .filter((a) => a.name !== undefined && kept.includes(a.name))
      .map((a) => a.text);
    return `${this.name(name)}Keys${args.length ? `<${args.join(', ')}>` : ''}`;
  }

  private extendsList(type: InterfaceType | RequestType, scope: Scope): string {
    const parents: string[] = [];
    const add = (name: TypeName, generics: readonly ValueOf[] | undefined) =>
      parents.push(this.parentReference(name, generics ?? [], scope));
    if (type.inherits) add(type.inherits.type, type.inherits.generics);
    if (type.kind === 'interface') {
      for (const impl of type.implements ?? []) add(impl.type, impl.generics);
      for (const b of type.behaviors ?? [])
        if (!SHAPING_BEHAVIORS.has(b.type.name)) add(b.type, b.generics);
    }
    return parents.length ? ` extends ${unique(parents).join(', ')}` : '';
  }

  /**
   * Property lines. Request arguments (`acceptUndefined`) also take an explicit `undefined`:
   * the router drops it, and callers under exactOptionalPropertyTypes can pass optional values on.
   */
  properties(
    properties: readonly Property[],
    scope: Scope,
    override?: (p: Property) => string | undefined,
    acceptUndefined = false,
  ): string {
    let out = '';
    for (const property of properties) {
      const type = override?.(property) ?? this.render(property.type, scope);
      const names = [property.name, ...(property.aliases ?? [])];
      const optional = !property.required || names.length > 1;
      const suffix = optional && acceptUndefined ? ' | undefined' : '';
      for (const name of names) {
        out += doc(propertyDoc(property), '  ');
        out += `  ${propertyKey(name)}${optional ? '?' : ''}: ${type}${suffix};\n`;
      }
    }
    return out;
  }

  private emitRequest(type: RequestType, endpoint: Endpoint | undefined): string {
    const scope = this.scopeOf(type);
    const name = this.name(type.name);
    const merged = mergeRequestProperties(type);
    let body = this.properties(
      merged.properties,
      scope,
      (p) => {
        const alt = merged.alternatives.get(p.name);
        return alt
          ? unique([this.render(p.type, scope), this.render(alt.type, scope)]).join(' | ')
          : undefined;
      },
      true,
    );
    if (type.body.kind !== 'no_body' && !merged.properties.some((p) => p.name === 'body')) {
      const raw =
        type.body.kind === 'value'
          ? `${this.render(type.body.value, scope)} | string | Uint8Array`
          : 'Record<string, any> | string | Uint8Array';
      body += `  /** The raw request body, sent as given; flattened body fields are merged into an object. */\n`;
      body += `  body?: ${raw} | undefined;\n`;
    }
    const extendsList = this.extendsList(type, scope);
    // The method carries the endpoint's full description; the request type names it briefly.
    const description = endpoint
      ? `Arguments of \`${endpoint.name}\`: ${endpoint.description.trim().split('\n')[0]}${endpoint.docUrl ? `\n\n@see {@link ${endpoint.docUrl}}` : ''}`
      : type.description;
    return `${doc(description)}export interface ${name}${this.genericDeclaration(type)}${extendsList} {\n${body}}\n`;
  }

  private emitResponse(type: ResponseType): string {
    const scope = this.scopeOf(type);
    const name = this.name(type.name);
    const generics = this.genericDeclaration(type);
    switch (type.body.kind) {
      case 'properties':
        return `export interface ${name}${generics} {\n${this.properties(type.body.properties, scope, this.aggregationsOverride(scope))}}\n`;
      case 'value':
        return `export type ${name}${generics} = ${this.render(type.body.value, scope)};\n`;
      case 'no_body': {
        const result = this.booleanResponses.has(typeKey(type.name)) ? 'boolean' : 'unknown';
        return `export type ${name}${generics} = ${result};\n`;
      }
    }
  }

  private aggregationsOverride(scope: Scope): ((p: Property) => string | undefined) | undefined {
    if (!scope.aggregations) return undefined;
    return (p) => (isAggregationsProperty(p) ? AGGREGATIONS_PARAM : undefined);
  }

  /** Every type of the model, in a stable order. */
  emitAll(): string {
    const endpointByRequest = new Map<string, Endpoint>();
    for (const e of this.model.endpoints)
      if (e.request) endpointByRequest.set(typeKey(e.request), e);
    const sorted = [...this.model.types].sort((a, b) =>
      this.name(a.name).localeCompare(this.name(b.name)),
    );
    const chunks: string[] = [];
    for (const type of sorted) {
      if (type.name.namespace === '_spec_utils' && SHAPING_BEHAVIORS.has(type.name.name)) continue;
      chunks.push(this.emitType(type, endpointByRequest.get(typeKey(type.name))));
    }
    return chunks.join('\n');
  }
}

function isAggregationsProperty(p: Property): boolean {
  const t = p.type;
  return (
    p.name === 'aggregations' &&
    t.kind === 'dictionary_of' &&
    t.value.kind === 'instance_of' &&
    t.value.type.name === 'Aggregate'
  );
}

function ownProperties(type: SpecType): readonly Property[] {
  if (type.kind === 'interface') return type.properties;
  if ((type.kind === 'request' || type.kind === 'response') && type.body.kind === 'properties') {
    return type.body.properties;
  }
  return [];
}

/** Every instance_of reached from a type's definition (properties, bases, aliased value). */
function references(type: SpecType): { type: TypeName; generics?: readonly ValueOf[] }[] {
  const out: { type: TypeName; generics?: readonly ValueOf[] }[] = [];
  const walk = (v: ValueOf): void => {
    if (v.kind === 'instance_of') {
      out.push(v);
      for (const g of v.generics ?? []) walk(g);
    } else if (v.kind === 'array_of') walk(v.value);
    else if (v.kind === 'union_of') for (const i of v.items) walk(i);
    else if (v.kind === 'dictionary_of') {
      walk(v.key);
      walk(v.value);
    }
  };
  for (const p of ownProperties(type)) walk(p.type);
  if (type.kind === 'interface' && type.inherits) out.push(type.inherits);
  if (type.kind === 'type_alias') walk(type.type);
  if ((type.kind === 'response' || type.kind === 'request') && type.body.kind === 'value')
    walk(type.body.value);
  return out;
}

/**
 * Path, query and body properties as one flat list (the shape callers write). A name in both
 * query and body is listed once; its other type is kept in `alternatives` so both are accepted.
 */
export function mergeRequestProperties(type: RequestType): {
  properties: Property[];
  alternatives: Map<string, Property>;
} {
  const properties: Property[] = [];
  const alternatives = new Map<string, Property>();
  const index = new Map<string, number>();
  const bodyProps: Property[] =
    type.body.kind === 'properties'
      ? [...type.body.properties]
      : type.body.kind === 'value'
        ? [
            {
              name: valueBodyName(type),
              type: type.body.value,
              required: false,
              description: 'The request body.',
            },
          ]
        : [];
  for (const p of [...type.path, ...type.query, ...bodyProps]) {
    const at = index.get(p.name);
    if (at === undefined) {
      index.set(p.name, properties.length);
      properties.push(p);
    } else {
      const first = properties[at]!;
      alternatives.set(p.name, p);
      properties[at] = { ...first, required: first.required && p.required };
    }
  }
  return { properties, alternatives };
}

/**
 * The argument that carries a single-value body: the spec's codegenName, or `body` when that
 * name is also a path or query argument (snapshot.create_repository's `repository`).
 */
export function valueBodyName(type: RequestType): string {
  const name = type.body.kind === 'value' ? type.body.codegenName : undefined;
  if (name === undefined) return 'body';
  return [...type.path, ...type.query].some((p) => p.name === name) ? 'body' : name;
}

function propertyDoc(p: Property): string | undefined {
  const lines: string[] = [];
  if (p.description) lines.push(p.description);
  if (p.serverDefault !== undefined)
    lines.push(`@server_default ${JSON.stringify(p.serverDefault)}`);
  if (p.deprecation)
    lines.push(
      `@deprecated ${p.deprecation.version}${p.deprecation.description ? ` ${p.deprecation.description}` : ''}`,
    );
  return lines.length ? lines.join('\n') : undefined;
}

export function doc(text: string | undefined, indent = ''): string {
  if (!text) return '';
  const safe = text.replace(/\*\//g, '*\\/').trimEnd();
  const lines = safe.split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ` ${l}` : ''}`).join('\n')}\n${indent} */\n`;
}

function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

// Top-level members of a rendered union (`A | B<C | D>` -> `A`, `B<C | D>`), so duplicates can go.
function splitUnion(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '(' || c === '{' || c === '[') depth++;
    else if (c === '>' || c === ')' || c === '}' || c === ']') depth--;
    else if (depth === 0 && text.startsWith(' | ', i)) {
      parts.push(text.slice(start, i));
      start = i + 3;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
