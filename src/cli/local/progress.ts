/** How `elastiq local` tells the user what it is doing; quiet in scripts, a live line on a TTY. */
export interface Reporter {
  info(message: string): void;
  progress(label: string, received: number, total: number | undefined): void;
  /** The download `label` is over (every download when no label is given). */
  progressDone(label?: string): void;
}

function megabytes(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}

export function formatProgress(
  label: string,
  received: number,
  total: number | undefined,
  elapsedMs: number,
): string {
  const rate = elapsedMs > 0 ? `${megabytes((received * 1000) / elapsedMs)} MB/s` : '';
  if (!total) return `${label} ${megabytes(received)} MB ${rate}`.trimEnd();
  const percent = Math.floor((received / total) * 100);
  return `${label} ${String(percent).padStart(3)}% ${megabytes(received)}/${megabytes(total)} MB ${rate}`.trimEnd();
}

interface ReporterStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * A reporter writing to `stream` (stderr by default, so `--json` output on stdout stays clean):
 * on a TTY one line redrawn at most ten times a second, elsewhere one line per 10%.
 */
export function createReporter(stream: ReporterStream = process.stderr, quiet = false): Reporter {
  // Per download: clusters started at once fetch two versions side by side through one reporter,
  // and shared state mixed their rates and swallowed one's 10% lines when both were at that step.
  const downloads = new Map<string, { started: number; lastStep: number }>();
  let lastDraw = 0;
  let drawing = false;
  return {
    info(message) {
      if (!quiet) stream.write(`${message}\n`);
    },
    progress(label, received, total) {
      if (quiet) return;
      const now = Date.now();
      let state = downloads.get(label);
      if (!state) {
        state = { started: now, lastStep: -1 };
        downloads.set(label, state);
      }
      const line = formatProgress(label, received, total, now - state.started);
      if (stream.isTTY) {
        if (now - lastDraw < 100 && received !== total) return;
        lastDraw = now;
        drawing = true;
        stream.write(`\r${line}\x1b[K`);
        return;
      }
      const step = total ? Math.floor((received / total) * 10) : Math.floor(received / 20_971_520);
      if (step === state.lastStep) return;
      state.lastStep = step;
      stream.write(`${line}\n`);
    },
    progressDone(label) {
      if (drawing) stream.write('\n');
      drawing = false;
      if (label === undefined) downloads.clear();
      else downloads.delete(label);
    },
  };
}

export const silentReporter: Reporter = {
  info() {},
  progress() {},
  progressDone() {},
};
