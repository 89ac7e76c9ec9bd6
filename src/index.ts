/**
 * slimfit: fit, prune, quantize and distill linear models with SIMD WebAssembly
 * kernels. Everything in slimfit/core, plus the method facade: this entry's
 * init() gives an engine with every operation as a method as well.
 */
export * from './core.js';
export { init, Engine } from './facade.js';
