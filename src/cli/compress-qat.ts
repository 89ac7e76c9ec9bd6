/**
 * `slimfit compress --method qat`: the float model's weights retrained on the
 * integer grid (fitQuantized) from the --calib rows, which must hold the
 * model's feature columns and its target. The float model gives the task, the
 * intercept choice and the ridge it was fitted with.
 */
import type { CompressedLinearModel } from '../compress/compressed-model.js';
import { fitQuantized, type FitQuantizedReport } from '../compress/fit-quantized.js';
import type { LinearModelLike } from '../compress/model.js';
import type { Engine } from '../engine/engine.js';
import { readCsv } from './csv.js';
import { usage } from './errors.js';
import type { ModelMeta } from './files.js';
import { modelColumns } from './inputs.js';
import type { Recipe } from './recipe.js';

export interface QatSummary {
  optimal: boolean;
  nodes: number;
  /** Training losses (mean squared error, or mean log-loss) of the answer, GPTQ, round-to-nearest and the float model. */
  objective: number;
  gptqObjective: number;
  rtnObjective: number;
  floatObjective: number;
  lowerBound: number | null;
}

export async function trainOnGrid(engine: Engine, model: LinearModelLike, meta: ModelMeta, recipe: Recipe): Promise<{ model: CompressedLinearModel; summary: QatSummary }> {
  if (meta.target === null) throw usage('--method qat needs the target column, but the model does not record its name; refit it with `slimfit fit --target`');
  const table = await readCsv(recipe.calib!, { ...modelColumns(meta), target: meta.target, binaryTarget: meta.task === 'logistic' });
  if (table.X.cols !== model.d) throw usage(`--calib has ${table.X.cols} feature columns but the model has ${model.d}`);
  const ridge = typeof meta.recipe.ridge === 'number' ? meta.recipe.ridge : 0;
  if (table.y === undefined) throw usage(`--calib has no target column ${meta.target}`);
  const { model: c, report } = fitQuantized(engine, table.X, table.y, { bits: recipe.bits!, scheme: recipe.scheme, granularity: recipe.granularity, task: meta.task, intercept: model.fitIntercept, ridge });
  return { model: c, summary: summaryOf(report) };
}

function summaryOf(r: FitQuantizedReport): QatSummary {
  return { optimal: r.optimal, nodes: r.nodes, objective: r.objective, gptqObjective: r.startObjective, rtnObjective: r.rtnObjective, floatObjective: r.floatObjective, lowerBound: r.lowerBound ?? null };
}

export function describeQat(s: QatSummary): string {
  const what = s.optimal ? 'proved optimal on its grid' : `not proved (search stopped after ${s.nodes} nodes${s.lowerBound !== null ? `; lower bound ${s.lowerBound.toPrecision(5)}` : ''})`;
  return `qat: training loss ${s.objective.toPrecision(5)} (gptq ${s.gptqObjective.toPrecision(5)}, rtn ${s.rtnObjective.toPrecision(5)}, float ${s.floatObjective.toPrecision(5)}); ${what}`;
}
