/** The command-line side of `batch --queue`: the address as a usage error, Redis unreachable as exit 3. */
import { isSlimfitError } from '../errors.js';
import { parseQueueUrl, type QueueAddress } from '../queue/connection.js';
import type { BatchOptions, BatchSummary } from './batch-pool.js';
import { runQueueBatch } from './batch-queue.js';
import { CliError, EXIT, usage } from './errors.js';

export function queueAddress(url: string): QueueAddress {
  try {
    return parseQueueUrl(url);
  } catch (e) {
    throw isSlimfitError(e) ? usage(e.reason) : e;
  }
}

/** Redis that cannot be reached (or keeps losing the run) is an input the command was given: exit 3, code E_QUEUE. */
export function queueError(e: unknown): unknown {
  return isSlimfitError(e, 'E_BACKEND') ? new CliError('E_QUEUE', e.reason, EXIT.INPUT) : e;
}

export async function runQueueBatchCommand(
  inputs: string[],
  outDir: string,
  queue: QueueAddress,
  common: Pick<BatchOptions, 'recipe' | 'force' | 'fsync' | 'signal' | 'onProgress'> & { attempts?: number; backoffMs?: number },
  onNote: (line: string) => void,
): Promise<BatchSummary> {
  try {
    return await runQueueBatch(inputs, outDir, { ...common, queue, onNote });
  } catch (e) {
    throw queueError(e);
  }
}
