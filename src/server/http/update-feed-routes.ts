import fs from "node:fs";
import path from "node:path";
import type { FastifyInstance } from "fastify";

/**
 * The desktop app's update feed (electron-updater, generic provider): the
 * files electron-builder writes for a release (latest.yml, latest-mac.yml,
 * installers, zips, blockmaps), served from one folder, TANDEM_UPDATES_DIR.
 * Only plain file names of those kinds; nothing else in the folder, no paths.
 */
const FEED_FILE = /^[\w.-]+\.(yml|zip|exe|dmg|pkg|blockmap)$/;
const TYPES: Record<string, string> = { yml: "text/yaml; charset=utf-8", zip: "application/zip", exe: "application/vnd.microsoft.portable-executable", dmg: "application/x-apple-diskimage", pkg: "application/octet-stream", blockmap: "application/octet-stream" };

export function registerUpdateFeedRoutes(app: FastifyInstance, updatesDir: string | undefined) {
  app.get("/updates/:name", async (request, reply) => {
    const { name } = request.params as { name: string };
    const file = updatesDir && FEED_FILE.test(name) && !name.startsWith(".") ? path.join(updatesDir, name) : null;
    const stat = file ? await fs.promises.stat(file).catch(() => null) : null;
    if (!file || !stat?.isFile()) return reply.status(404).send({ type: "error", code: "not_found", message: updatesDir ? "no such update file" : "this broker serves no desktop updates (TANDEM_UPDATES_DIR is not set)" });
    // The manifests change with every release; installers never change under one name.
    const manifest = name.endsWith(".yml");
    return reply
      .type(TYPES[name.split(".").pop()!]!)
      .header("cache-control", manifest ? "no-cache" : "public, max-age=86400")
      .header("content-length", String(stat.size))
      .header("x-content-type-options", "nosniff")
      .send(fs.createReadStream(file));
  });
}
