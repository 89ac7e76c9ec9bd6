/**
 * What travels through Redis. A job carries a small JSON envelope (its kind,
 * the slimfit version that made it, a payload) and names its bytes by
 * content: each input (a model, a weights file, a CSV shard, calibration
 * rows) is one Redis string under slimfit:blob:<sha256>, written once however
 * many jobs read it, with an expiry; a job's output bytes come back the same
 * way under slimfit:out:<job id>. Job JSON stays kilobytes whatever the
 * files weigh, and the bytes never pass through BullMQ's job hashes or event
 * stream.
 *
 * Limit: MAX_BLOB_BYTES per file (64 MiB; Redis allows 512 MB per string, but
 * every worker holds a file whole in memory and a big string stalls the
 * server while it is copied). A larger input is refused before anything is
 * enqueued, naming the file and the limit; split it (CSV shards) or compress
 * it on a machine that reads it locally.
 */
import { SLIMFIT_VERSION } from '../io/version.js';

export const QUEUE_NAME = 'slimfit';
/** The parents of flows: nobody consumes this queue; a parent only collects its children's results. */
export const COLLECT_QUEUE = 'slimfit-collect';

export const MAX_BLOB_BYTES = 64 * 2 ** 20;
/** Inputs and outputs left in Redis expire after a day (a driver that died never collects them). */
export const BLOB_TTL_S = 24 * 3600;

export const JOB_VERSION = SLIMFIT_VERSION;

export interface JobEnvelope {
  /** slimfit version of the driver: a worker of another version refuses the job. */
  v: string;
  kind: string;
  /** Label for logs and reports (the input file name). */
  label: string;
  payload: unknown;
  /** name -> blob key (slimfit:blob:<sha256>) of the bytes the job reads. */
  blobs: Record<string, string>;
}

export interface JobResultEnvelope {
  value: unknown;
  /** Blob key of the output bytes, when the job made a file. */
  out?: string;
  /** Worker that ran it (host:pid) and how long it took in its thread. */
  by: string;
  ms: number;
}

export const blobKey = (sha256: string) => `slimfit:blob:${sha256}`;
export const outKey = (jobId: string) => `slimfit:out:${jobId}`;

/** The refusal a worker gives for a job of another version (also what the driver reports). */
export function versionMismatch(jobVersion: unknown): string | undefined {
  if (jobVersion === JOB_VERSION) return undefined;
  return `job made by slimfit ${typeof jobVersion === 'string' ? jobVersion : 'of unknown version'}; this worker runs slimfit ${JOB_VERSION}: run workers and drivers of the same version`;
}
