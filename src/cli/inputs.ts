/**
 * The input spec on the command line: the CSV columns a model reads (its raw
 * columns through its spec, or its numeric features), and the first pass of
 * `fit --categorical / --bins / --missing` that learns the spec.
 */
import { RowEncoder } from '../features/encode.js';
import type { InputSpec } from '../features/inputs.js';
import { InputsLearner, type LearnOptions } from '../features/learn.js';
import { suggest, type CellEncoder, type CsvColumns } from './csv.js';
import { usage } from './errors.js';
import type { ModelMeta } from './files.js';

/** The spec's raw cells in, its design values out. */
export function specEncoder(spec: InputSpec): CellEncoder {
  const enc = new RowEncoder(spec);
  return { width: enc.d, encode: (cells, out, at) => enc.encode(cells, out, at) };
}

/** The columns a model reads from a CSV file: its spec's raw columns (encoded), or its numeric features. */
export function modelColumns(meta: ModelMeta): Pick<CsvColumns, 'features' | 'encoder'> {
  if (meta.inputs) return { features: meta.inputs.names, encoder: specEncoder(meta.inputs) };
  return { features: meta.features };
}

/** A first pass that writes nothing (width 0) and feeds every row to a learner made once the columns are known. */
export function learningPass(opts: LearnOptions): CellEncoder & { learner(): InputsLearner } {
  let learner: InputsLearner | undefined;
  return {
    start(features) {
      for (const c of opts.categorical ?? []) if (!features.includes(c)) throw usage(`--categorical names '${c}', which is not a feature column${suggest(c, features)}`);
      learner = new InputsLearner(features, opts);
    },
    width: 0,
    encode: (cells) => learner!.observe(cells),
    learner: () => learner!,
  };
}
