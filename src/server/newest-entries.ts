/**
 * Sets `key` as the newest entry of a map a client can grow (attempt counts,
 * caches, per-session state) and forgets the oldest past `max`. A Map keeps
 * insertion order, so deleting and setting again moves a key to the end, and
 * a flood of made-up keys pushes out only the oldest.
 */
export function setNewest<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value!);
}
