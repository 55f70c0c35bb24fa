/**
 * The suite's own Kafka (src/services/scratch-kafka.ts) in test-artifacts/<name>-<pid>: the shared services are never
 * touched, so these suites run wherever the integration tests run, CI included.
 */
import path from 'node:path';
import type { Logger } from '../../src/log';
import { startScratchKafka as startScratch, type ScratchKafka } from '../../src/services/scratch-kafka';
import { testConfig } from './helpers';

export type { ScratchKafka };

const root = path.resolve(__dirname, '../..');

export async function startScratchKafka(name: string, brokers: number, log: Logger, fromPort = 29092): Promise<ScratchKafka> {
  return startScratch(testConfig(), { dir: path.join(root, 'test-artifacts', `${name}-${process.pid}`), brokers, log, fromPort });
}

/** A scratch path inside the Kafka's directory, deleted by stop(). */
export const scratchPath = (k: ScratchKafka, name: string) => path.join(k.dir, `scratch-${name}`);
