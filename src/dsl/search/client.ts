/**
 * The client surface elastiq/dsl executes against: the methods of elastiq's `Client` it calls,
 * each taking the flattened request (`{ index, query, aggs, ... }`) and resolving to the body.
 * The real `Client` satisfies it; tests may pass any object that does.
 */
export interface SearchClient {
  search(params: Record<string, any>): Promise<any>;
  count(params: Record<string, any>): Promise<any>;
  deleteByQuery(params: Record<string, any>): Promise<any>;
  updateByQuery(params: Record<string, any>): Promise<any>;
  msearch(params: Record<string, any>): Promise<any>;
  openPointInTime(params: Record<string, any>): Promise<any>;
  closePointInTime(params: Record<string, any>): Promise<any>;
  scroll(params: Record<string, any>): Promise<any>;
  clearScroll(params: Record<string, any>): Promise<any>;
}

/** The body `count` resolves to. */
export interface CountResponseBody {
  readonly count: number;
}

/** The body `deleteByQuery` / `updateByQuery` resolve to (the parts callers read most). */
export interface ByQueryResponseBody {
  readonly took?: number;
  readonly timed_out?: boolean;
  readonly total?: number;
  readonly deleted?: number;
  readonly updated?: number;
  readonly version_conflicts?: number;
  readonly noops?: number;
  readonly failures?: readonly unknown[];
  readonly task?: string;
  readonly [key: string]: unknown;
}
