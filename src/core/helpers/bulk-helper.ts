import type { TransportLike } from '../transport/types.js';
import { AsyncChannel } from './async-channel.js';
import { BulkEngine } from './bulk-engine.js';
import type {
  BulkHelper,
  BulkHelperStats,
  BulkItemOutcome,
  BulkOptions,
  BulkRequestOptions,
} from './bulk-types.js';

/** Starts a bulk run; see `Helpers.bulk`. */
export function startBulk<TDocument>(
  transport: TransportLike,
  options: BulkOptions<TDocument>,
  requestOptions?: BulkRequestOptions,
): BulkHelper<TDocument> {
  const engine = new BulkEngine(transport, options, requestOptions);
  const running = engine.run() as Promise<BulkHelperStats> & {
    abort?: () => BulkHelper<TDocument>;
    stats?: Readonly<BulkHelperStats>;
  };
  const helper = running as BulkHelper<TDocument>;
  Object.defineProperties(running, {
    abort: {
      value: () => {
        engine.abort();
        return helper;
      },
    },
    stats: { get: () => engine.stats },
  });
  return helper;
}

/** Runs a bulk and yields every document's final outcome; see `Helpers.streamingBulk`. */
export async function* streamBulk<TDocument>(
  transport: TransportLike,
  options: BulkOptions<TDocument>,
  requestOptions?: BulkRequestOptions,
): AsyncGenerator<BulkItemOutcome<TDocument>, BulkHelperStats, undefined> {
  // One batch of outcomes buffered at most: the reader waits for the consumer.
  const channel = new AsyncChannel<BulkItemOutcome<TDocument>[]>(1);
  const engine = new BulkEngine(transport, options, requestOptions, async (outcomes) => {
    await channel.push(outcomes);
  });
  const running = engine.run().then(
    (stats) => {
      channel.close();
      return stats;
    },
    (error: unknown) => {
      channel.close(error);
      throw error;
    },
  );
  // The error reaches the consumer through the channel; keep this copy from being unhandled.
  running.catch(() => undefined);
  let completed = false;
  try {
    for await (const outcomes of channel) yield* outcomes;
    completed = true;
    return await running;
  } finally {
    if (!completed) {
      engine.abort();
      channel.cancel();
      await running.catch(() => undefined);
    }
  }
}
