/**
 * The preset dictionary of the .slim version 2 header (docs/FORMAT.md §1.12):
 * the header's DEFLATE stream is compressed as if these bytes came just before
 * it, so the member names, kinds and table entries every header repeats cost a
 * few bits each instead of their spelling. It is part of format major 2: a
 * changed byte makes every existing file unreadable, so it never changes
 * within a major version (test/io-slim-v2.test.ts checks it against
 * FORMAT.md). Lines are joined by "\n"; the most common fragments come last,
 * where DEFLATE's back-references are shortest.
 */
export const HEADER_DICTIONARY_LINES: readonly string[] = [
  '{"format":"slimfit","kind":"tensors","objects":[{"name":"","type":"dense"},{"type":"quantized","bits":8,"scheme":"affine","shape":[],"granularity":{"axis":0,"shape":[]},"zeroPoint":true},{"type":"sparse","format":"csr","kept":}]',
  '"mask","dtype":"U8"},{"name":"row_ptr","dtype":"U32","shape":[]},{"name":"col_idx","dtype":"U16","shape":[]},{"name":"zero_point","dtype":"U8","shape":[1]}',
  '"kind":"linear","model":{"d":,"outputs":1,"vector":true,"fitIntercept":true,"stats":{"n":,"dof":,"rSquared":[],"residualSd":[],"interceptStdError":[],"interceptTValue":[],"condition":,"method":"cholesky+refine","refinementSteps":0}}',
  '"kind":"logistic","model":{"d":,"fitIntercept":true,"stats":{"n":,"iterations":,"logLikelihood":-,"deviance":,"nullDeviance":,"aic":,"interceptStdError":0.,"interceptZValue":-,"condition":,"converged":true,"method":"irls"}}',
  '"tensors":[{"name":"coef","dtype":"F64","shape":[,1]},{"name":"intercept","dtype":"F64","shape":[1]},{"name":"std_errors","dtype":"F64","shape":[,1]},{"name":"t_values","dtype":"F64","shape":[,1]},{"name":"z_values","dtype":"F64","shape":[]}]}',
  '"provenance":{"slimfit":"0.1.0","created":"2026-01-01T00:00:00.000Z","inputDigest":"","source":"creditDataset(","options":{"command":"fit","ridge":null,"intercept":true,"rows":}},"statistics":{"auc":0.,"mse":,"testRows":}',
  '"options":{"command":"compress","method":"gptq","bits":,"sparsity":0.5,"nm":null,"granularity":null,"scheme":null,"damp":null,"calibDigest":null,"recipeDigest":"","prune":{"sparsity":0.5},"quantize":{"bits":4,"granularity":"tensor"},"name":""}',
  '"prune":{"method":"obs","reason":"","kept":,"sparsity":0.,"hessianLoss":,"magnitudeHessianLoss":,"gainVsMagnitude":,"ridge":,"dead":[],"bytes":,"denseBytes":}',
  '"quantize":{"rmse":0.,"maxError":0.,"sqnrDb":,"method":"gptq","bits":,"scheme":"symmetric","rounding":"half-even","calibration":"minmax","scale":{"$f32":[0.]},"zeroPoint":{"$i32":[]},"clipLo":{"$f64":[-0.]},"clipHi":{"$f64":[0.]},"hessianLoss":,"rtnHessianLoss":,"gainVsRtn":,"actOrder":false,"bytesBefore":,"bytesAfter":,"ratio":}',
  '{"format":"slimfit","kind":"compressed-linear","model":{"d":,"outputs":1,"bits":null,"scheme":null,"groupSize":,"granularity":null,"kept":,"index":"bitmask","report":{"method":"gptq","sparsity":0.5,"coefRmse":0.,"interceptShift":[-0.],"prune":null,"quantize":null}}',
  '{"format":"slimfit","kind":"compressed-logistic","model":{"d":,"outputs":1,"bits":4,"scheme":"symmetric","groupSize":,"granularity":"tensor","kept":,"index":"dense","report":{"method":"rtn","sparsity":0,"coefRmse":0.,"interceptShift":[0.],"prune":null,"quantize":null}},"features":["',
  '"],"targets":[""],"tensors":[{"name":"intercept","dtype":"F64","shape":[1]},{"name":"mask","dtype":"U8","shape":[]},{"name":"values","dtype":"U8","shape":[]},{"name":"scale","dtype":"F32","shape":[1]}]}',
];

/** The dictionary's bytes (ASCII). */
export const HEADER_DICTIONARY: Uint8Array = /* @__PURE__ */ new TextEncoder().encode(HEADER_DICTIONARY_LINES.join('\n'));
