#!/usr/bin/env node
// The PPPC profile generator's command line (src/pppc/cli.ts), run through tsx.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../src/pppc/cli.ts");
process.exitCode = await runCli(process.argv.slice(2));
