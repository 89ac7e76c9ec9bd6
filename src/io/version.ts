/**
 * The slimfit version recorded in every file's provenance. Kept equal to
 * package.json's "version" by a test (test/io-slim.test.ts, "version"); reading
 * package.json at run time would not work in a browser bundle.
 */
export const SLIMFIT_VERSION = '0.1.0';
