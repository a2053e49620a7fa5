// Vitest 5 targets Node 22+ and calls Map.groupBy / Object.groupBy (Node 21+) in its reporters;
// on Node 20 (this project's floor) a failing test would crash the reporter instead of being shown.
// Loaded from vitest.config.ts, so it runs in the runner's main process before any reporter.
type Key = PropertyKey;

if (typeof (Map as { groupBy?: unknown }).groupBy !== 'function') {
  Object.defineProperty(Map, 'groupBy', {
    configurable: true,
    writable: true,
    value<T, K>(items: Iterable<T>, keyOf: (item: T, index: number) => K): Map<K, T[]> {
      const groups = new Map<K, T[]>();
      let i = 0;
      for (const item of items) {
        const key = keyOf(item, i++);
        const group = groups.get(key);
        if (group) group.push(item);
        else groups.set(key, [item]);
      }
      return groups;
    },
  });
}

if (typeof (Object as { groupBy?: unknown }).groupBy !== 'function') {
  Object.defineProperty(Object, 'groupBy', {
    configurable: true,
    writable: true,
    value<T>(items: Iterable<T>, keyOf: (item: T, index: number) => Key): Record<Key, T[]> {
      const groups: Record<Key, T[]> = Object.create(null);
      let i = 0;
      for (const item of items) {
        const key = keyOf(item, i++);
        const group = groups[key];
        if (group) group.push(item);
        else groups[key] = [item];
      }
      return groups;
    },
  });
}
