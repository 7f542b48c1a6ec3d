import type { TestProject } from "vitest/node";
import { findPostgresBin, startPostgres } from "../tools/postgres-server.js";
import { redisInstalled, startRedis } from "../tools/redis-server.js";

/**
 * One PostgreSQL cluster and one Redis for the whole run (the store contract's
 * second engine; several brokers working together). Where they are not
 * installed their tests are skipped, except in CI, where that is a failure.
 */
declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string | null;
    redisUrl: string | null;
    /** The suite runs in its own network namespace (scripts/in-netns.sh): WebRTC between browsers works. */
    webrtcNetwork: boolean;
  }
}

export default async function setup(project: TestProject) {
  const ci = process.env.CI === "true";
  const stops: (() => void)[] = [];
  project.provide("webrtcNetwork", process.env.TANDEM_NETNS === "1");
  if (ci && process.env.TANDEM_NETNS !== "1") throw new Error("CI runs the suite in a network namespace (scripts/in-netns.sh, as root): the WebRTC tests need it");
  const bin = findPostgresBin();
  if (!bin && ci) throw new Error("PostgreSQL is not installed (apt-get install postgresql): the store contract must run on it in CI");
  if (!redisInstalled() && ci) throw new Error("Redis is not installed (apt-get install redis-server): the multi-broker tests must run in CI");
  if (bin) {
    const server = await startPostgres(bin);
    stops.push(() => server.stop());
    project.provide("postgresUrl", server.url);
  } else project.provide("postgresUrl", null);
  if (redisInstalled()) {
    const redis = await startRedis();
    stops.push(() => redis.stop());
    project.provide("redisUrl", redis.url);
  } else project.provide("redisUrl", null);
  return () => stops.forEach((stop) => stop());
}
