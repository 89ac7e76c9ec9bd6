/**
 * The demo's 'qat' rows: each teacher's task retrained on the 4-, 3- and
 * 2-bit per-tensor grid (fitQuantized) from the calibration rows GPTQ sees
 * (training rows, with their targets), scored on the test rows like every
 * other row, written to models/, and named with the proof status. The search
 * budget is small here to keep the demo quick; the benchmark
 * (bench/fit-quantized.ts) runs the default one.
 */
import { join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { fitQuantized } from '../compress/fit-quantized.js';
import type { Matrix } from '../types.js';
import { strippedFileBytes, writeModel, type ModelMeta, type SlimModel } from './files.js';
import type { DemoRow } from './demo.js';

export interface QatDemoInput {
  engine: Engine;
  target: DemoRow['target'];
  logistic: boolean;
  intercept: boolean;
  Xcal: Matrix;
  yCal: Float64Array;
  Xte: Matrix;
  score: (out: Float64Array) => number;
  floatMetric: number;
  floatBytes: number;
  out: string;
  meta: (recipe: Record<string, unknown>, metric: number) => ModelMeta;
}

const BITS = [4, 3, 2];
/** Per model: enough to prove the 4-bit least-squares answers on the demo's design. */
const DEMO_BUDGET = { nodes: 2e5, ms: 150 };

export async function qatDemoRows(q: QatDemoInput): Promise<DemoRow[]> {
  const rows: DemoRow[] = [];
  for (const bits of BITS) {
    const start = performance.now();
    const { model, report } = fitQuantized(q.engine, q.Xcal, q.yCal, { bits, granularity: 'tensor', task: q.logistic ? 'logistic' : 'linear', intercept: q.intercept, budget: DEMO_BUDGET });
    const ms = performance.now() - start;
    const metric = q.score(q.logistic ? model.decisionFunction(q.Xte) : model.predict(q.Xte));
    const proof = q.logistic ? '' : report.optimal ? ', proved' : ', not proved';
    const name = `QAT ${bits}-bit (fitQuantized${proof})`;
    const file = join('models', `${q.target}-qat-${bits}bit.slim`);
    const sm: SlimModel = { kind: 'compressed', model, meta: q.meta({ command: 'compress', method: 'qat', bits, granularity: 'tensor', optimal: report.optimal, name }, metric) };
    const fileBytes = await writeModel(join(q.out, file), sm);
    rows.push({ target: q.target, method: name, bits, family: 'QAT per-tensor', file, bytes: model.bytes, fileBytes, strippedBytes: strippedFileBytes(sm), ratio: q.floatBytes / model.bytes, metric, delta: metric - q.floatMetric, ms });
  }
  return rows;
}

/** The demo's footnote on the QAT rows. */
export const QAT_NOTE = (calibRows: number) =>
  `QAT rows train on the grid from the ${calibRows} calibration rows with their targets (the teachers saw every training row), search budget ${DEMO_BUDGET.nodes} nodes / ${DEMO_BUDGET.ms} ms per model; "proved": no weights on that grid fit those rows better.`;
