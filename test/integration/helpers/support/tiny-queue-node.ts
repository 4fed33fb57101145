// A single real node whose write thread pool has one thread and a queue of one, so that bulk
// items are rejected with 429 on demand. The queue size is a static node setting: the shared
// nodes cannot be given it, so this node is started (through `elastiq local`) for the test.
import {
  createReporter,
  parseLocalArgs,
  startCluster,
  startOptionsFrom,
  stopClusters,
} from '../../../../src/cli/local/index.js';

const NAME = 'helpers-tinyqueue';
const PORT = 9480;

export interface TinyQueueNode {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startTinyQueueNode(): Promise<TinyQueueNode> {
  const home = process.env.ELASTIQ_HOME;
  // The command line a user would type, through the CLI's own parsing: the settings reach the
  // node's elasticsearch.yml, and `--fresh` drops whatever an earlier run left.
  const { values } = parseLocalArgs([
    'start',
    '--name',
    NAME,
    '--port',
    String(PORT),
    '--heap',
    '384m',
    '--fresh',
    '--setting',
    'thread_pool.write.size=1',
    '--setting',
    'thread_pool.write.queue_size=1',
  ]);
  const cluster = await startCluster({
    ...startOptionsFrom(values),
    reporter: createReporter(process.stderr, true),
    ...(home ? { home } : {}),
  });
  return {
    url: cluster.nodes[0]!.url,
    stop: async () => {
      await stopClusters(NAME, home);
    },
  };
}
