import { emitApi, emitEndpointTable, exclusionReason, HEADER } from './emit-api.js';
import { TypeEmitter } from './emit-types.js';
import type { Model } from './metamodel.js';
import { assignNames } from './naming.js';

/** Generates every file in memory: file name in src/core/api/generated -> content. */
export function generate(model: Model): Map<string, string> {
  const table = assignNames(model.types);
  const emitter = new TypeEmitter(model, table);
  const endpoints = model.endpoints
    .filter((e) => exclusionReason(e) === undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
  const files = new Map<string, string>();
  files.set('types.ts', `${HEADER}\n${emitter.emitAll()}`);
  files.set('endpoints.ts', emitEndpointTable(endpoints, emitter));
  files.set('api.ts', emitApi(endpoints, emitter));
  const report = {
    endpoints: endpoints.length,
    excluded: model.endpoints
      .filter((e) => exclusionReason(e) !== undefined)
      .map((e) => ({ name: e.name, reason: exclusionReason(e) })),
    collisions: table.collisions,
  };
  files.set('report.json', `${JSON.stringify(report, null, 2)}\n`);
  return files;
}
