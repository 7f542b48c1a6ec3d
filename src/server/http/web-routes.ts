import fs from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";
import { PAGE_CSP } from "../../protocol/index.js";

/**
 * The two web apps: the helper console at / (and its pages), the sharer page
 * at /s. Built assets have hashed names and are cached for good; the HTML is
 * never cached and carries a strict Content-Security-Policy: scripts, styles
 * and connections only from this broker (WebRTC media is peer to peer and not
 * governed by CSP).
 */

const CONSOLE_PAGES = ["/", "/history", "/admin/settings", "/admin/roles", "/admin/devices", "/admin/access", "/admin/reports", "/admin/audit", "/admin/deploy-macs"];
const DOCS = ["deploy-macos.md", "deploy-windows.md", "scaling.md"];

export async function registerWebRoutes(app: FastifyInstance, o: { webDir: string; docsDir: string; downloadUrl: string }) {
  const consoleHtml = path.join(o.webDir, "console", "index.html");
  const sharerHtml = path.join(o.webDir, "renderer", "index.html");
  const built = fs.existsSync(consoleHtml) && fs.existsSync(sharerHtml);

  if (built) {
    await app.register(fastifyStatic, {
      root: path.join(o.webDir, "assets"),
      prefix: "/assets/",
      immutable: true,
      maxAge: "365d",
      index: false,
      setHeaders: (reply) => void reply.header("x-content-type-options", "nosniff"),
    });
  }
  const page = (file: string) => async (_request: unknown, reply: FastifyReply) => {
    if (!built) return reply.type("text/html; charset=utf-8").header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'").send(NOT_BUILT);
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .header("content-security-policy", PAGE_CSP)
      .header("x-frame-options", "DENY")
      .header("referrer-policy", "same-origin")
      .header("x-content-type-options", "nosniff")
      .send(fs.createReadStream(file));
  };
  for (const url of CONSOLE_PAGES) app.get(url, page(consoleHtml));
  app.get("/s", page(sharerHtml));

  app.get("/docs/:name", async (request, reply) => {
    const { name } = request.params as { name: string };
    if (!DOCS.includes(name)) return reply.status(404).send({ type: "error", code: "not_found", message: "no such document" });
    return reply.type("text/markdown; charset=utf-8").send(fs.createReadStream(path.join(o.docsDir, name)));
  });

  app.get("/download", async (_request, reply) => {
    if (o.downloadUrl !== "/download") return reply.redirect(o.downloadUrl, 302);
    return reply.type("text/html; charset=utf-8").header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'").send(DOWNLOAD_PAGE);
  });
}

const STYLE = "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{background:#eee;padding:0 .2em}</style>";
const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tandem</title>${STYLE}</head>
<body><h1>Tandem broker is running</h1><p>The console and sharer page are not built yet: run <code>npm run build:web</code> (or <code>npm start</code>, which builds them first).</p>
<p>Health: <a href="/healthz">/healthz</a>. Local certificate authority: <a href="/ca.crt">ca.crt</a>.</p></body></html>`;
const DOWNLOAD_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tandem desktop app</title>${STYLE}</head>
<body><h1>The Tandem desktop app</h1><p>Full control (your helper uses your mouse and keyboard) needs the Tandem desktop app for macOS or Windows.
In most organisations IT installs it for you through device management. If it is not on your computer, ask your help desk for it.</p>
<p>Without it, you can still share your screen from the web page, view only.</p></body></html>`;
