import { useSyncExternalStore } from "react";
import type { Store } from "../web-client/store.js";

/** Re-renders when the store changes. */
export function useStore<T extends object>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, () => store.get());
}
