/** First byte past static data: the TypeScript allocator starts here. */
export function heapBase(): usize {
  return __heap_base;
}
