import { chmod, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertTraversable } from '../../../src/cli/local/service-user.js';

describe('the folders the node user must reach', () => {
  it('accepts a path whose every folder others may traverse', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'elastiq-open-'));
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'a', 'b'), { recursive: true, mode: 0o755 });
    await expect(assertTraversable(join(dir, 'a', 'b'))).resolves.toBeUndefined();
  });

  it('refuses a path behind a folder closed to others, naming that folder and the fix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'elastiq-closed-'));
    await chmod(dir, 0o700);
    await mkdir(join(dir, 'cache'), { mode: 0o755 });
    await expect(assertTraversable(join(dir, 'cache'))).rejects.toMatchObject({
      code: 'ELASTIQ_LOCAL_USER_FAILED',
      message: expect.stringContaining(`${dir} is closed to other users`),
    });
  });
});
