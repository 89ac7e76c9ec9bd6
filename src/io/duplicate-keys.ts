/**
 * JSON.parse keeps the last of two equal keys, so a header naming a tensor
 * twice would silently lose one. This scan finds the first key repeated
 * within one object (any depth) of a JSON text that JSON.parse accepted.
 * Linear in the text; strings are skipped with their escapes.
 */
export function firstDuplicateKey(text: string): { key: string; path: string } | undefined {
  // One frame per open container: the keys seen (objects only) and whether a key comes next.
  const stack: { keys: Set<string> | undefined; expectKey: boolean; name: string }[] = [];
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return { key, path: stack.map((f) => f.name).filter(Boolean).join('.') };
        top.keys.add(key);
        top.expectKey = false;
        lastKey = key;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      stack.push({ keys: c === '{' ? new Set() : undefined, expectKey: c === '{', name: parent?.keys ? lastKey : '' });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
  return undefined;
}
