/**
 * Package entry 'slimfit/score': what a page that only scores needs — init()
 * (the engine, for the operations a scoring page may add; predict itself runs
 * no kernel) and decodeSlim, whose readers of the compressed, reduced-rank
 * and tensors kinds load only for a file of that kind. The models it returns
 * are the same classes as the main entry's (predict, predictProba, ...);
 * this entry exports them as types only, so that a bundler can split the
 * readers off (a class exported here would pull its reader back in).
 */
export { init, type InitOptions, type BackendOption } from './engine/init.js';
export type { Engine, BackendKind } from './engine/engine.js';
export type { WasmSource } from './engine/load.js';
export { SlimfitError, isSlimfitError, type SlimfitErrorCode } from './errors.js';
export { decodeSlim } from './io/slim-decode-lazy.js';
export { isSlim } from './io/slim-header.js';
export type { DecodedSlim, DecodedSlimContent, SlimHeaderInfo } from './io/slim.js';
export type { LinearModel } from './fit/model.js';
export type { LogisticModel } from './fit/logistic-model.js';
export type { ReducedRankModel } from './fit/reduced-rank-model.js';
export type { CompressedLinearModel } from './compress/compressed-model.js';
export type { CompressedReducedRankModel } from './compress/compressed-reduced-rank.js';
