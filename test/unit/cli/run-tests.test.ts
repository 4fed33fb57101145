import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = resolve(import.meta.dirname, '../../../scripts/run-tests.mjs');

// Stands in for npx: notes which tool it was asked for, and whether it was told to stop.
const FAKE_NPX = `#!/bin/sh
trap 'echo "$1 stopped" >> "$MARKS"; kill $! 2>/dev/null; exit 143' TERM
echo "$1 started" >> "$MARKS"
sleep 5 &
wait
`;

const marks = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

describe('scripts/run-tests.mjs', () => {
  it('passes SIGTERM on to the running suite and does not start the next one', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'elastiq-run-tests-'));
    await writeFile(join(bin, 'npx'), FAKE_NPX);
    await chmod(join(bin, 'npx'), 0o755);
    const file = join(bin, 'marks');
    const child = spawn(process.execPath, [SCRIPT], {
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}`, MARKS: file },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await expect
      .poll(() => marks(file), { timeout: 5000, interval: 50 })
      .toContain('vitest started');
    child.kill('SIGTERM');
    const code = await exited;
    // The suite that was running got the signal (it is not left running on its own)...
    await expect
      .poll(() => marks(file), { timeout: 2000, interval: 50 })
      .toContain('vitest stopped');
    // ...and the YAML suite never started against clusters that are being stopped.
    expect(marks(file)).not.toContain('tsx started');
    expect(code).not.toBe(0);
  });
});
