// The subset of the specification's metamodel (compiler/src/model/metamodel.ts) that the generator reads.

export interface TypeName {
  readonly namespace: string;
  readonly name: string;
}

export type ValueOf =
  | {
      readonly kind: 'instance_of';
      readonly type: TypeName;
      readonly generics?: readonly ValueOf[];
    }
  | { readonly kind: 'array_of'; readonly value: ValueOf }
  | { readonly kind: 'union_of'; readonly items: readonly ValueOf[] }
  | {
      readonly kind: 'dictionary_of';
      readonly key: ValueOf;
      readonly value: ValueOf;
      readonly singleKey: boolean;
    }
  | { readonly kind: 'user_defined_value' }
  | { readonly kind: 'literal_value'; readonly value: string | number | boolean };

export interface Deprecation {
  readonly version: string;
  readonly description?: string;
}

export interface Availability {
  readonly stack?: { readonly since?: string; readonly stability?: string };
  readonly serverless?: { readonly stability?: string; readonly visibility?: string };
}

export interface Property {
  readonly name: string;
  readonly type: ValueOf;
  readonly required: boolean;
  readonly description?: string;
  readonly aliases?: readonly string[];
  readonly deprecation?: Deprecation;
  readonly serverDefault?: unknown;
  readonly availability?: Availability;
}

export interface Inherits {
  readonly type: TypeName;
  readonly generics?: readonly ValueOf[];
}

interface BaseType {
  readonly name: TypeName;
  readonly description?: string;
  readonly generics?: readonly TypeName[];
  readonly deprecation?: Deprecation;
}

export interface InterfaceType extends BaseType {
  readonly kind: 'interface';
  readonly inherits?: Inherits;
  readonly implements?: readonly Inherits[];
  readonly behaviors?: readonly Inherits[];
  readonly properties: readonly Property[];
  readonly shortcutProperty?: string;
  readonly variants?: { readonly kind: 'container' };
}

export type Body =
  | { readonly kind: 'no_body' }
  | { readonly kind: 'value'; readonly value: ValueOf; readonly codegenName?: string }
  | { readonly kind: 'properties'; readonly properties: readonly Property[] };

export interface RequestType extends BaseType {
  readonly kind: 'request';
  readonly inherits?: Inherits;
  readonly attachedBehaviors?: readonly string[];
  readonly path: readonly Property[];
  readonly query: readonly Property[];
  readonly body: Body;
}

export interface ResponseType extends BaseType {
  readonly kind: 'response';
  readonly body: Body;
}

export interface EnumType extends BaseType {
  readonly kind: 'enum';
  readonly members: readonly { readonly name: string; readonly aliases?: readonly string[] }[];
  readonly isOpen?: boolean;
}

export interface TypeAliasType extends BaseType {
  readonly kind: 'type_alias';
  readonly type: ValueOf;
}

export type SpecType = InterfaceType | RequestType | ResponseType | EnumType | TypeAliasType;

export interface UrlTemplate {
  readonly path: string;
  readonly methods: readonly string[];
  readonly deprecation?: Deprecation;
}

export interface Endpoint {
  readonly name: string;
  readonly description: string;
  readonly docUrl?: string;
  readonly availability: Availability;
  readonly deprecation?: Deprecation;
  readonly request: TypeName | null;
  readonly response: TypeName | null;
  readonly requestBodyRequired: boolean;
  readonly requestMediaType?: readonly string[];
  readonly urls: readonly UrlTemplate[];
  readonly codegenExclude?: boolean;
}

export interface Model {
  readonly endpoints: readonly Endpoint[];
  readonly types: readonly SpecType[];
}

/** The stable key of a type name, used for lookups. */
export function typeKey(name: TypeName): string {
  return `${name.namespace}::${name.name}`;
}
