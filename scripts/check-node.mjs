#!/usr/bin/env node
// `npm start` and `npm test` stop at once on a Node that Tandem does not support.
// npm runs them with node_modules/.bin first on PATH, where npm ci put the
// `node` package's Node 24, so this fails only when run outside npm or on an
// install without it.
import fs from "node:fs";

const { engines } = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const minimum = Number(/>=\s*(\d+)/.exec(engines.node)?.[1]);
const major = Number(process.versions.node.split(".")[0]);
if (!(major >= minimum)) {
  console.error(
    `tandem: Node ${process.version} is not supported (package.json engines: ${engines.node}). ` +
      `Run through npm after npm ci (it brings Node ${minimum} LTS from the npm registry), or install Node ${minimum} LTS.`,
  );
  process.exit(1);
}
