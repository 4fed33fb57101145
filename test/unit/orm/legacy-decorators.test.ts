import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { Document } from '../../../src/orm/decorators/document.js';
import { Text } from '../../../src/orm/decorators/field-types.js';
import { Nested } from '../../../src/orm/decorators/inner-fields.js';
import { InnerDoc } from '../../../src/orm/document/inner-doc.js';
import { OrmError } from '../../../src/orm/errors.js';

const ORM = fileURLToPath(new URL('../../../src/orm/index.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

function thrown(run: () => unknown): OrmError {
  try {
    run();
  } catch (error) {
    if (error instanceof OrmError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

describe('decorators compiled as standard (TC39) decorators', () => {
  test('a field decorator called with a decorator context says to turn on experimentalDecorators', () => {
    const context = { kind: 'field', name: 'title', static: false, private: false };
    const fieldCall = Text() as unknown as (value: undefined, ctx: object) => void;
    const error = thrown(() => fieldCall(undefined, context));
    expect(error.code).toBe('ORM_INVALID_MODEL');
    expect(error.message).toContain('"experimentalDecorators": true');
    const nested = Nested(() => InnerDoc) as unknown as (value: undefined, ctx: object) => void;
    expect(thrown(() => nested(undefined, context)).code).toBe('ORM_INVALID_MODEL');
  });

  test('@Document called with a class decorator context says the same', () => {
    const classCall = Document({ index: 'x' }) as unknown as (target: object, ctx: object) => void;
    const error = thrown(() => classCall(class {}, { kind: 'class', name: 'X' }));
    expect(error.message).toContain('@Document ran as a standard (TC39) decorator');
  });

  test('a model compiled without experimentalDecorators fails with that message, not a TypeError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'elastiq-tc39-'));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true } }),
    );
    writeFileSync(
      join(dir, 'model.ts'),
      `import { Document, Model, Text } from ${JSON.stringify(ORM)};\n` +
        `@Document({ index: 'posts' })\nclass Post extends Model {\n  @Text() title!: string;\n}\nconsole.log(Post.name);\n`,
    );
    const run = spawnSync(TSX, ['model.ts'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('ORM_INVALID_MODEL');
    expect(run.stderr).toContain('"experimentalDecorators": true');
    expect(run.stderr).not.toContain("reading 'constructor'");
  });
});
