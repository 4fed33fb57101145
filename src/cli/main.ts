import { readFileSync } from 'node:fs';
import { CliUsageError, LocalError } from './errors.js';
import { type Output, runLocal } from './local/command.js';

export const USAGE = `Usage: elastiq <command> [options]

Commands:
  info      the cluster's name, version, health and nodes (ELASTICSEARCH_URL, or --url)
  local     a local Elasticsearch (or OpenSearch) for development and tests:
            start, stop, status, logs, env, remove
  migrate   ORM migrations: up, down, status, create, generate, unlock

Options:
  --help, -h     this help
  --version, -v  the elastiq version

Run 'elastiq <command> --help' for a command's options.

Exit codes: 0 success, 1 failure (the error's code is printed), 2 a wrong command line.
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
    if (command === undefined) {
      // No command is a wrong command line: the usage goes where errors go.
      io.err(USAGE);
      return 2;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (command === '--version' || command === '-v') {
      io.out(packageVersion());
      return 0;
    }
    if (command === 'local') return await runLocal(rest, io);
    if (command === 'migrate') return await (await import('./migrate.js')).runMigrate(rest, io);
    if (command === 'info') return await (await import('./info.js')).runInfo(rest, io);
    throw new CliUsageError(`Unknown command '${command}'\n\n${USAGE}`);
  } catch (error) {
    if (error instanceof LocalError || error instanceof CliUsageError) {
      io.err(`elastiq: ${error.message} [${error.code}]`);
      return error instanceof CliUsageError || error.code === 'ELASTIQ_LOCAL_USAGE' ? 2 : 1;
    }
    throw error;
  }
}
