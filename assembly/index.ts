// The module's exports: one file per concern. Kernels take raw pointers and
// lengths and allocate nothing; the TypeScript engine owns linear memory.
export * from './heap';
export * from './gram';
export * from './cholesky';
export * from './reduce';
export * from './prune';
export * from './select';
export * from './quantize';
export * from './finite';
export * from './colstats';
export * from './nm';
export * from './nonzero-gram';
