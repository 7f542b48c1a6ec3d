import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
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
  try {
    await answersBinding(port);
  } catch (error) {
    child.kill("SIGTERM");
    throw error;
  }
  return { port, stop: () => child.kill("SIGTERM") };
}

/**
 * Ready means answering: coturn prints its start-up line before every listener is bound, and a test that asked at
 * that moment once got no answer at all (CI). A STUN Binding request, resent every 100 ms, until one is answered.
 */
function answersBinding(port: number, timeoutMs = 10_000): Promise<void> {
  const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBytes(12)]);
  const socket = dgram.createSocket("udp4");
  return new Promise<void>((resolve, reject) => {
    const send = () => socket.send(request, port, "127.0.0.1");
    const resend = setInterval(send, 100);
    const timer = setTimeout(() => finish(new Error(`coturn on port ${port} answered no STUN Binding request within ${timeoutMs} ms`)), timeoutMs);
    const finish = (error?: Error) => {
      clearInterval(resend);
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve();
    };
    socket.on("message", (data: Buffer) => {
      if (data.length >= 20 && data.subarray(8, 20).equals(request.subarray(8, 20))) finish();
    });
    socket.bind(0, "127.0.0.1", send);
  });
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
