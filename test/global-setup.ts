import type { TestProject } from "vitest/node";
import { findPostgresBin, startPostgres } from "./support/postgres-server.js";

/**
 * One PostgreSQL cluster for the whole run, for the store contract's second
 * engine. Where PostgreSQL is not installed the PostgreSQL tests are skipped,
 * except in CI, where that is a failure.
 */
declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

export default async function setup(project: TestProject) {
  const bin = findPostgresBin();
  if (!bin) {
    if (process.env.CI === "true") throw new Error("PostgreSQL is not installed (apt-get install postgresql): the store contract must run on it in CI");
    project.provide("postgresUrl", null);
    return;
  }
  const server = await startPostgres(bin);
  project.provide("postgresUrl", server.url);
  return () => server.stop();
}
