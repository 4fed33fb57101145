import { OrmError } from '../errors.js';

/**
 * Throws when a decorator runs as a standard (TC39) decorator, whose second argument is a context
 * object: TypeScript 5 uses those unless `experimentalDecorators` is on, and elastiq/orm records
 * through the legacy form (the one class-transformer needs too). Without this, the first field
 * would fail with a bare TypeError far from its cause.
 */
export function assertLegacyDecorator(decorator: string, second: unknown): void {
  if (typeof second !== 'object' || second === null || !('kind' in second)) return;
  throw new OrmError(
    'ORM_INVALID_MODEL',
    `${decorator} ran as a standard (TC39) decorator, but elastiq/orm decorators are TypeScript's legacy decorators: set "experimentalDecorators": true in the tsconfig.json that compiles your models (the one tsc, tsx, vitest or ts-node reads), as class-transformer also requires.`,
  );
}
