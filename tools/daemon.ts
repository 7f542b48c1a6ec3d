import { type ChildProcess, spawn } from "node:child_process";

/** Starts a server program for the tests and resolves once it prints that it is ready. */
export async function startDaemon(name: string, command: string, args: string[], readyText: string, timeoutMs = 5000): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms`)), timeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes(readyText)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  child.stdout!.resume();
  return child;
}
