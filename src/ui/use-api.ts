import { useCallback, useEffect, useState } from "react";
import { api } from "../web-client/api.js";

/** GET a resource for a page, with its error and a reload. */
export function useApi<T>(path: string | null) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    if (!path) return;
    setError(null);
    api<T>(path).then(setData, (e: Error) => setError(e.message));
  }, [path]);
  useEffect(reload, [reload]);
  return { data, error, reload, setError };
}
