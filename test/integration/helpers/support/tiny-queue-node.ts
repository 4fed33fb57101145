// A single real node whose write thread pool has one thread and a queue of one, so that bulk
// items are rejected with 429 on demand. The queue size is a static node setting: the shared
// nodes cannot be given it, so this node is started (through `elastiq local`) for the test.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createReporter,
  startCluster,
  startNode,
  stopClusters,
  stopNode,
} from '../../../../src/cli/local/index.js';

const NAME = 'helpers-tinyqueue';
const PORT = 9480;
const SETTINGS = ['thread_pool.write.size: 1', 'thread_pool.write.queue_size: 1'];

export interface TinyQueueNode {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startTinyQueueNode(): Promise<TinyQueueNode> {
  const home = process.env.ELASTIQ_HOME;
  const quiet = createReporter(process.stderr, true);
  const options = {
    name: NAME,
    nodes: 1,
    port: PORT,
    heap: '384m',
    reporter: quiet,
    ...(home ? { home } : {}),
  };
  // `start` writes the node's configuration; the extra settings go in afterwards, then a restart
  // of the node alone (which keeps the configuration) applies them.
  const cluster = await startCluster(options);
  const node = cluster.nodes[0]!;
  const file = join(node.configDir, 'elasticsearch.yml');
  const yml = await readFile(file, 'utf8');
  if (!yml.includes(SETTINGS[1]!)) {
    await stopNode(NAME, 0, home);
    await writeFile(file, `${yml}\n${SETTINGS.join('\n')}\n`);
    await startNode(NAME, 0, home ? { home } : {});
  }
  return {
    url: node.url,
    stop: async () => {
      await stopClusters(NAME, home);
    },
  };
}
