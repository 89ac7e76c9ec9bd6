/** The input spec: design columns, applying it to raw rows, learning it from data, storing it in .slim. */
import { describe, expect, it } from 'vitest';
import { applyBinning, fitBinning } from '../src/data/bins.js';
import { InputSpec, InputsLearner, RowEncoder, designMatrix, quantileCuts } from '../src/features/index.js';
import { decodeSlim, encodeSlim } from '../src/io/index.js';
import { rng } from '../src/random.js';
import { engine, expectCode } from './helpers/engines.js';

const spec = new InputSpec([
  { name: 'age', type: 'numeric', bins: [30, 45] },
  { name: 'region', type: 'categorical', levels: ['east', 'north', 'west'], unseen: 'error', missing: 'indicator' },
  { name: 'income', type: 'numeric', missing: 'indicator', fill: 50 },
  { name: 'score', type: 'numeric', missing: 'drop' },
]);

describe('input spec', () => {
  it('names its design columns: cumulative bins, levels but the baseline, missing indicators', () => {
    expect(spec.features).toEqual(['age>=30', 'age>=45', 'region=north', 'region=west', 'region:missing', 'income', 'income:missing', 'score']);
    expect(spec.d).toBe(8);
    expect(spec.names).toEqual(['age', 'region', 'income', 'score']);
    const back = InputSpec.fromJSON(JSON.stringify(spec));
    expect(back.toJSON()).toEqual(spec.toJSON());
  });

  it('refuses inconsistent specs', () => {
    expectCode(() => new InputSpec([{ name: 'a', type: 'numeric', bins: [2, 1] }]), 'E_RANGE');
    expectCode(() => new InputSpec([{ name: 'a', type: 'categorical', levels: ['x', 'x'] }]), 'E_RANGE');
    expectCode(() => new InputSpec([{ name: 'a', type: 'numeric', missing: 'indicator' }]), 'E_RANGE'); // no fill
    expectCode(() => new InputSpec([{ name: 'a', type: 'text' }]), 'E_RANGE');
    expectCode(() => new InputSpec([{ name: 'a', type: 'numeric' }, { name: 'a', type: 'numeric' }]), 'E_RANGE');
    expectCode(() => InputSpec.fromJSON({ format: 'slimfit.inputs', version: 1, columns: [{ name: 'a', type: 'numeric', missing: 'maybe' }] } as never), 'E_FORMAT');
  });

  it('encodes raw rows: strings or numbers, records or arrays; drop rows are skipped', () => {
    const { X, skipped } = designMatrix(spec, [
      { age: '29', region: 'east', income: '10', score: 1 },
      { age: 30, region: 'west', income: '', score: '2' },
      ['50', '', 70, '3'],
      { age: 60, region: 'north', income: 1, score: null },
    ]);
    expect(skipped).toEqual([3]);
    expect(X.rows).toBe(3);
    expect(Array.from(X.data)).toEqual([
      ...[0, 0, 0, 0, 0, 10, 0, 1],
      ...[1, 0, 0, 1, 0, 50, 1, 2],
      ...[1, 1, 0, 0, 1, 70, 0, 3],
    ]);
  });

  it('names the row and column of a cell it cannot encode; unseen levels: error or the baseline', () => {
    const base = { age: 1, region: 'east', income: 1, score: 1 };
    expect(() => designMatrix(spec, [base, { ...base, region: 'south' }])).toThrow(/row 1: 'south' is not a level of column 'region'/);
    expect(() => designMatrix(spec, [{ ...base, age: 'old' }])).toThrow(/'old' in column 'age' is not a number/);
    expect(() => designMatrix(spec, [{ ...base, age: '' }])).toThrow(/missing value in column 'age'/);
    expectCode(() => designMatrix(spec, [{ age: 1 }]), 'E_SHAPE');
    const lenient = new InputSpec([{ name: 'region', type: 'categorical', levels: ['east', 'west'], unseen: 'baseline' }]);
    expect(Array.from(designMatrix(lenient, [['south'], ['west'], ['east']]).X.data)).toEqual([0, 1, 0]);
  });

  it('learns levels, means and missing counts; cuts equal the demo binning on small data', () => {
    const r = rng(3);
    const rows = Array.from({ length: 500 }, () => [String(Math.floor(r() * 100)), ['b', 'a', 'c'][Math.floor(r() * 3)], r() < 0.1 ? '' : String(r())]);
    const learner = new InputsLearner(['x', 'g', 'z'], { categorical: ['g'], bins: 5, missing: 'indicator' });
    for (const row of rows) expect(learner.observe(row)).toBe(true);
    const s = learner.finish();
    const [x, g, z] = s.columns;
    expect(g).toMatchObject({ type: 'categorical', levels: ['a', 'b', 'c'] });
    const zs = rows.map((q) => q[2]).filter((v) => v !== '').map(Number);
    expect(learner.missingCounts).toEqual([0, 0, 500 - zs.length]);
    // x has no missing value: no indicator column (it would be all zeros)
    expect(x).toMatchObject({ missing: 'error' });
    const Xraw = { rows: 500, cols: 1, data: Float64Array.from(rows, (q) => Number(q[0])) };
    const demo = fitBinning(Xraw, ['x'], 5);
    expect((x as { bins: number[] }).bins).toEqual(demo.edges[0]);
    expect(Array.from(designMatrix(s, rows).X.data.filter((_, i) => i % s.d < demo.edges[0].length))).toEqual(Array.from(applyBinning(Xraw, demo).data));
    expect(z).toMatchObject({ missing: 'indicator' });
    expect((z as { bins: number[] }).bins.length).toBe(4);
  });

  it('samples large columns: cuts near the true quantiles, memory bounded', () => {
    const learner = new InputsLearner(['u'], { bins: 4 });
    const r = rng(11);
    for (let i = 0; i < 250_000; i++) learner.observe([r()]);
    const cuts = (learner.finish().columns[0] as { bins: number[] }).bins;
    expect(cuts.length).toBe(3);
    cuts.forEach((c, i) => expect(Math.abs(c - (i + 1) / 4)).toBeLessThan(0.01));
    expect(quantileCuts(Float64Array.of(1, 1, 1, 2), 4)).toEqual([2]);
  });

  it('drop leaves incomplete rows out of every statistic; error names the column', () => {
    const l = new InputsLearner(['a', 'g'], { categorical: ['g'], missing: 'drop' });
    expect(l.observe(['1', 'x'])).toBe(true);
    expect(l.observe(['', 'y'])).toBe(false);
    expect((l.finish().columns[1] as { levels: string[] }).levels).toEqual(['x']);
    expect([l.rows, l.dropped]).toEqual([2, 1]);
    const strict = new InputsLearner(['a']);
    expect(() => strict.observe([''])).toThrow(/missing value in column 'a'/);
    expect(() => strict.observe(['abc'])).toThrow(/--categorical/);
  });

  it('travels in .slim as the header member inputs, checked against the model', async () => {
    const e = await engine('wasm');
    const enc = new RowEncoder(spec);
    const r = rng(5);
    const raw = Array.from({ length: 60 }, () => ({ age: 20 + 50 * r(), region: ['east', 'north', 'west'][Math.floor(3 * r())], income: r() < 0.2 ? '' : 100 * r(), score: r() }));
    const { X } = designMatrix(spec, raw);
    const y = Float64Array.from({ length: X.rows }, (_, i) => X.data[i * enc.d] + 2 * X.data[i * enc.d + 3] + r());
    const model = e.fitLinear(X, y, { ridge: 1e-6 });
    const bytes = await encodeSlim({ kind: 'linear', model }, { inputs: spec, features: [...spec.features] });
    const back = await decodeSlim(bytes);
    const stored = InputSpec.fromSlim(back)!;
    expect(stored.toJSON()).toEqual(spec.toJSON());
    if (back.kind !== 'linear') throw new Error(back.kind);
    expect(back.model.predict(stored.design(raw).X)).toEqual(model.predict(X));
    // no inputs: reads as before
    const plain = await decodeSlim(await encodeSlim({ kind: 'linear', model }));
    expect(plain.header.inputs).toBeUndefined();
    expect(InputSpec.fromSlim(plain)).toBeUndefined();
    // a stored spec that does not fit the model, or is malformed: E_FORMAT when read
    const header = back.header as { inputs: unknown; features: string[] | undefined };
    expectCode(() => InputSpec.fromSlim({ model: { d: 3 }, header }), 'E_FORMAT');
    expectCode(() => InputSpec.fromSlim({ model: back.model, header: { ...header, features: header.features!.map((f) => `${f}_`) } }), 'E_FORMAT');
    expectCode(() => InputSpec.fromSlim({ model: back.model, header: { ...header, inputs: { columns: [{ name: 'age', type: 'numeric', bins: [2, 1] }] } } }), 'E_FORMAT');
    expectCode(() => InputSpec.fromSlim({ model: back.model, header: { ...header, inputs: 'x' } }), 'E_FORMAT');
    const narrow = new InputSpec([{ name: 'age', type: 'numeric' }]);
    await expect(encodeSlim({ kind: 'linear', model }, { inputs: narrow })).rejects.toMatchObject({ code: 'E_SHAPE' });
    await expect(encodeSlim({ kind: 'linear', model }, { inputs: spec, features: spec.features.map((f) => `${f}_`) })).rejects.toMatchObject({ code: 'E_SHAPE' });
  });
});
