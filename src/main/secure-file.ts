import fs from "node:fs/promises";
import path from "node:path";

/**
 * Secrets on disk, encrypted by the OS's keystore through Electron's
 * `safeStorage` (Keychain on macOS, DPAPI on Windows, libsecret on Linux).
 * If the keystore is unavailable the secret is not written in the clear:
 * saving fails and the app keeps it in memory for this run only.
 */
export interface SecretBox {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export class KeystoreUnavailable extends Error {
  constructor() {
    super("the system keystore is not available; secrets are kept in memory only");
    this.name = "KeystoreUnavailable";
  }
}

export function secureFile(file: string, box: SecretBox) {
  return {
    async read(): Promise<string | null> {
      const data = await fs.readFile(file).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? null : Promise.reject(e)));
      if (data === null) return null;
      if (!box.isEncryptionAvailable()) throw new KeystoreUnavailable();
      return box.decryptString(data);
    },
    async write(plain: string): Promise<void> {
      if (!box.isEncryptionAvailable()) throw new KeystoreUnavailable();
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const temp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(temp, box.encryptString(plain), { mode: 0o600 });
      await fs.rename(temp, file); // whole or nothing, even if the app dies mid-write
    },
    async remove(): Promise<void> {
      await fs.rm(file, { force: true });
    },
  };
}
export type SecureFile = ReturnType<typeof secureFile>;
