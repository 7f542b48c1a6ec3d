import { spawnSync } from "node:child_process";
import dgram from "node:dgram";
import { startDaemon } from "../../tools/daemon.js";

/** A real coturn on 127.0.0.1 with `use-auth-secret`, for credential checks. */
export function coturnInstalled(): boolean {
  return !spawnSync("turnserver", ["--help"], { stdio: "ignore" }).error;
}

export async function startCoturn(secret: string): Promise<{ port: number; stop: () => void }> {
  const port = await freeUdpPort();
  const child = await startDaemon("coturn", "turnserver", [
    "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", `--listening-port=${port}`, "--min-port=49300", "--max-port=49400",
    "--use-auth-secret", `--static-auth-secret=${secret}`, "--realm=tandem.test", "--fingerprint", "--no-tls", "--no-dtls", "--no-cli", "--allow-loopback-peers", "--log-file=stdout", "--simple-log",
  ], "Total General servers");
  return { port, stop: () => child.kill("SIGTERM") };
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
