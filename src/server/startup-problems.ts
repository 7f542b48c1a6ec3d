import fs from "node:fs";
import path from "node:path";
import { type BrokerConfig, ENV_NAMES } from "./config.js";

/**
 * What stops `npm start`, said in one line with the fix, instead of a stack
 * trace: files and folders the settings name are checked before the broker is
 * built; errors from building or listening are explained by their code.
 */
export function startupProblem(config: BrokerConfig): string | null {
  if (Boolean(config.tlsCertFile) !== Boolean(config.tlsKeyFile)) {
    return `${ENV_NAMES.tlsCertFile} and ${ENV_NAMES.tlsKeyFile} go together: set both, or neither for the local certificate authority`;
  }
  for (const key of ["tlsCertFile", "tlsKeyFile", "directoryFile"] as const) {
    const file = config[key];
    if (file && !isReadableFile(file)) return `${ENV_NAMES[key]} names ${file}, which is not a readable file: fix the path or unset ${ENV_NAMES[key]}`;
  }
  return dataDirProblem(config.dataDir);
}

export function explainStartupError(error: unknown, config: BrokerConfig): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "EADDRINUSE") return `Port ${config.port} on ${config.host} is already in use (another Tandem?): stop it, or choose another port, e.g. ${ENV_NAMES.port}=${config.port + 1} npm start`;
  if (code === "EACCES" && /listen/.test(message)) return `Port ${config.port} needs privileges this user lacks: choose a port above 1023, e.g. ${ENV_NAMES.port}=8443`;
  if (code === "EADDRNOTAVAIL") return `${config.host} is not an address of this machine: fix ${ENV_NAMES.host}`;
  if (code && ["EACCES", "EPERM", "EROFS", "ENOTDIR", "ENOSPC"].includes(code)) return dataDirUnwritable(config.dataDir, message);
  return message;
}

function isReadableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

const dataDirUnwritable = (dir: string, why: string) => `Cannot write the data folder ${dir} (${why}): make it writable, or choose another with ${ENV_NAMES.dataDir}`;

function dataDirProblem(dir: string): string | null {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Root passes access() everywhere; a real write also catches read-only mounts.
    const probe = path.join(dir, `.write-probe-${process.pid}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
    return null;
  } catch (error) {
    return dataDirUnwritable(dir, (error as NodeJS.ErrnoException).code ?? String(error));
  }
}
