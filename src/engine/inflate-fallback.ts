/**
 * fflate's raw-DEFLATE inflater, for runtimes without DecompressionStream
 * ('deflate-raw'): loaded by load.ts only there. The .slim header inflater
 * imports the same function, so a bundler shares one chunk between them.
 */
export { inflateSync } from 'fflate';
