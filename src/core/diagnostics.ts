// Diagnostic events: published on node:diagnostics_channel and to listeners added with `on()`.
// Built only when someone listens, so they cost nothing otherwise.

import diagnosticsChannel from 'node:diagnostics_channel';

/** A request attempt is about to be sent. */
export interface RequestDiagnostic {
  readonly requestId: number;
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly node: string;
  readonly attempt: number;
  /** Request headers with credentials redacted. */
  readonly headers: Readonly<Record<string, string>>;
}

/** A request ended (with a result or an error). */
export interface ResponseDiagnostic {
  readonly requestId: number;
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly node: string | undefined;
  readonly attempts: number;
  readonly statusCode: number | undefined;
  readonly durationMs: number;
  readonly error:
    | { readonly name: string; readonly code: string | undefined; readonly message: string }
    | undefined;
}

/** An attempt failed and the request will be tried again. */
export interface RetryDiagnostic {
  readonly requestId: number;
  readonly name: string;
  readonly node: string;
  readonly attempt: number;
  readonly reason: string;
  readonly delayMs: number;
}

/** A response carried `Warning` headers (Elasticsearch's deprecation warnings). */
export interface WarningDiagnostic {
  readonly requestId: number;
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly node: string;
  readonly statusCode: number;
  /** The decoded messages, one per warning. */
  readonly warnings: readonly string[];
}

/** A sniff ended. */
export interface SniffDiagnostic {
  readonly name: string;
  readonly reason: 'start' | 'interval' | 'connection-fault' | 'manual';
  readonly nodes: readonly string[];
  readonly durationMs: number;
  readonly error: string | undefined;
}

/** The pool tried to bring a dead node back. */
export interface ResurrectDiagnostic {
  readonly name: string;
  readonly node: string;
  readonly strategy: string;
  readonly alive: boolean;
}

export interface DiagnosticEvents {
  request: RequestDiagnostic;
  response: ResponseDiagnostic;
  retry: RetryDiagnostic;
  warning: WarningDiagnostic;
  sniff: SniffDiagnostic;
  resurrect: ResurrectDiagnostic;
}

export type DiagnosticEventName = keyof DiagnosticEvents;

/**
 * Channel names: `elastiq:request`, `elastiq:response`, `elastiq:retry`, `elastiq:warning`,
 * `elastiq:sniff`, `elastiq:resurrect`.
 *
 * @example
 * import { diagnosticChannels, type RetryDiagnostic } from 'elastiq';
 * diagnosticChannels.retry.subscribe((event) => {
 *   console.warn('retrying', (event as RetryDiagnostic).attempt);
 * });
 */
export const diagnosticChannels = {
  request: diagnosticsChannel.channel('elastiq:request'),
  response: diagnosticsChannel.channel('elastiq:response'),
  retry: diagnosticsChannel.channel('elastiq:retry'),
  warning: diagnosticsChannel.channel('elastiq:warning'),
  sniff: diagnosticsChannel.channel('elastiq:sniff'),
  resurrect: diagnosticsChannel.channel('elastiq:resurrect'),
} as const;

type Listener<K extends DiagnosticEventName> = (event: DiagnosticEvents[K]) => void;

/**
 * Per-client listeners plus the process-wide channels (`client.on(...)` adds to this).
 *
 * @example
 * import diagnosticsChannel from 'node:diagnostics_channel';
 * diagnosticsChannel.subscribe('elastiq:response', (event) => {
 *   const { statusCode, durationMs } = event as ResponseDiagnostic;
 *   console.log(statusCode, durationMs);
 * });
 */
export class Diagnostics {
  readonly #listeners: { [K in DiagnosticEventName]?: Listener<K>[] } = {};

  /** Adds a listener; returns a function that removes it. */
  on<K extends DiagnosticEventName>(name: K, listener: Listener<K>): () => void {
    const existing = this.#listeners[name] as Listener<K>[] | undefined;
    const list = existing ?? [];
    if (existing === undefined) (this.#listeners as Record<string, unknown>)[name] = list;
    list.push(listener);
    return () => {
      const index = list.indexOf(listener);
      if (index !== -1) list.splice(index, 1);
    };
  }

  /** True when an event of this kind would reach anyone. */
  active(name: DiagnosticEventName): boolean {
    const list = this.#listeners[name];
    return (list !== undefined && list.length > 0) || diagnosticChannels[name].hasSubscribers;
  }

  emit<K extends DiagnosticEventName>(name: K, event: DiagnosticEvents[K]): void {
    const channel = diagnosticChannels[name];
    if (channel.hasSubscribers) channel.publish(event);
    const list = this.#listeners[name] as Listener<K>[] | undefined;
    if (list === undefined) return;
    for (const listener of [...list]) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not break the request that emitted the event.
      }
    }
  }
}
