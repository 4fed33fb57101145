import type { ReindexProgress } from '../core/helpers/reindex.js';
import type { MigrationLockInfo } from '../orm/migrations/migration-errors.js';
import type { GenerateResult } from '../orm/migrations/migration-generate.js';
import type { MigrationStatusEntry, PartialRun, UpResult } from '../orm/migrations/migrator.js';

/**
 * `status` as a table: state, name, when applied, how long it took; under a partial migration,
 * what its earlier run finished and left behind; the counts; the lock and whether the next run
 * may take it over (`takeover` says why).
 */
export function formatStatus(
  entries: readonly MigrationStatusEntry[],
  lock?: MigrationLockInfo,
  takeover?: string,
): string {
  const locked =
    lock === undefined
      ? []
      : [
          `Locked by ${lock.holder} on ${lock.host} (pid ${lock.pid}) since ${lock.since}${lock.renewed === undefined ? '' : `, renewed ${lock.renewed}`}`,
          ...(takeover === undefined ? [] : [`  the next up takes it over: ${takeover}`]),
        ];
  if (entries.length === 0) {
    return [
      'No migrations (create one with: elastiq migrate create <description>)',
      ...locked,
    ].join('\n');
  }
  const width = Math.max(...entries.map((e) => e.name.length));
  const lines = entries.flatMap((e) => {
    const when = e.appliedAt === undefined ? '' : `  ${e.appliedAt}  ${e.durationMs ?? 0} ms`;
    const line = `${e.state.padEnd(8)} ${e.name.padEnd(width)}${when}`.trimEnd();
    return e.partial === undefined ? [line] : [line, ...partialLines(e.partial)];
  });
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.state, (counts.get(e.state) ?? 0) + 1);
  const summary = ['applied', 'partial', 'pending', 'changed', 'missing']
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
  return [...lines, '', summary, ...locked].join('\n');
}

function partialLines(run: PartialRun): string[] {
  const pad = ' '.repeat(9);
  const done = run.done.length;
  const lines = [
    `${pad}partially applied: ${done} step${done === 1 ? '' : 's'} done${done === 0 ? '' : ` (${run.done.join('; ')})`}`,
  ];
  if (run.inFlight !== undefined)
    lines.push(`${pad}under way when its run stopped: ${run.inFlight}`);
  for (const index of run.orphans)
    lines.push(`${pad}orphan index ${index}: the next up deletes it`);
  for (const index of run.blocked) {
    lines.push(`${pad}${index} is write-blocked by the migrator: the next up lifts the block`);
  }
  lines.push(`${pad}run elastiq migrate up to finish it (finished steps are not run again)`);
  return lines;
}

/** What `up` did, in one line per migration. */
export function formatUp(result: UpResult): string {
  if (result.applied.length === 0) return 'Nothing to apply: every migration is applied';
  const verb = result.dryRun ? 'Would apply' : 'Applied';
  const lines = result.applied.map((m) =>
    result.dryRun ? `  ${m.name}` : `  ${m.name} (${m.durationMs} ms)`,
  );
  const rest = result.remaining.length === 0 ? [] : [`${result.remaining.length} still pending`];
  return [`${verb} ${result.applied.length}:`, ...lines, ...rest].join('\n');
}

/** One progress line of a migrateIndex copy. */
export function progressLine(progress: ReindexProgress & { readonly to: string }): string {
  const done = progress.written + progress.failed + progress.skipped;
  const pct = progress.total === 0 ? 100 : Math.floor((done / progress.total) * 100);
  return `  copying into ${progress.to}: ${progress.written}/${progress.total} documents (${pct}%)`;
}

/** What `generate` planned per model, and the file written. */
export function formatGenerate(result: GenerateResult): string {
  const lines = result.operations.map((op) => {
    const changes = op.changes.map((c) => `\n    ${c.additive ? '+' : '!'} ${c.description}`);
    return `  ${op.model} (${op.index}): ${op.action}${changes.join('')}`;
  });
  const file =
    result.path === undefined ? 'No change: no migration written' : `Wrote ${result.path}`;
  return [...lines, file].join('\n');
}
