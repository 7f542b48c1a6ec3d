import { describe } from "vitest";

/**
 * describe() for tests that need part of the machine (a browser, a server, a
 * network namespace). Where `missing` says what is absent, outside CI the tests
 * are skipped with that reason in the suite's name, which npm test's summary
 * lists; under CI=true they run, and fail on it.
 */
export function describeNeeding(missing: string | null): (name: string, fn: () => void) => void {
  const skip = missing !== null && process.env.CI !== "true";
  return (name, fn) => describe.skipIf(skip)(skip ? `${name} [skipped: ${missing}]` : name, fn);
}

export const postgresRedisMissing = (postgresUrl: string | null, redisUrl: string | null): string | null =>
  !postgresUrl ? "PostgreSQL is not installed (apt-get install postgresql)" : !redisUrl ? "Redis is not installed (apt-get install redis-server)" : null;
