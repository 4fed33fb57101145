import { readFileSync } from 'node:fs';
import { LocalError } from './errors.js';
import { type Output, runLocal } from './local/command.js';

export const USAGE = `Usage: elastiq <command> [options]

Commands:
  local     a local Elasticsearch for development and tests (start, stop, status, logs)
  migrate   run, revert, inspect, create and generate ORM migrations (up, down, status, ...)

Options:
  --help, -h     this help
  --version, -v  the elastiq version

Run 'elastiq local --help' for the local command's options.
`;

function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

export const consoleOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/**
 * Runs the `elastiq` CLI with `argv` (without node and script) and returns the exit code;
 * errors are printed with their stable code, never thrown.
 *
 * @example
 * ```ts
 * process.exitCode = await run(['local', 'status']);
 * ```
 */
export async function run(argv: readonly string[], io: Output = consoleOutput): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return command === undefined ? 1 : 0;
    }
    if (command === '--version' || command === '-v') {
      io.out(packageVersion());
      return 0;
    }
    if (command === 'local') return await runLocal(rest, io);
    if (command === 'migrate') return await (await import('./migrate.js')).runMigrate(rest, io);
    io.err(`Unknown command '${command}'\n\n${USAGE}`);
    return 1;
  } catch (error) {
    if (error instanceof LocalError) {
      io.err(`elastiq: ${error.message} [${error.code}]`);
      return error.code === 'ELASTIQ_LOCAL_USAGE' ? 2 : 1;
    }
    throw error;
  }
}
