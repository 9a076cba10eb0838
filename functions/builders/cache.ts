/**
 * Remembers what `load` gave for a key during `ttlMs`: for reads that may be a moment old, made once
 * per job (a digest's control, the sending switch), so that they cost one call a second, not one a job.
 */
export function cachedFor<K, V>(ttlMs: number, load: (key: K) => Promise<V>, now = () => Date.now()) {
  const entries = new Map<K, { at: number; value: Promise<V> }>();
  return (key: K): Promise<V> => {
    const hit = entries.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.value;
    const value = load(key);
    value.catch(() => entries.delete(key));
    if (entries.size >= 100) entries.clear();
    entries.set(key, { at: now(), value });
    return value;
  };
}
