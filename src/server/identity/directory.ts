import { scryptSync, randomBytes } from "node:crypto";
import { createPasswordChecker } from "./password-hashing.js";
import fs from "node:fs";
import { z } from "zod";
import { TenantSettingsPatch } from "../../protocol/index.js";

/**
 * The embedded IdP's directory: tenants and their people, from a readable JSON
 * file. Profiles come from here (through signed tokens), never from what a
 * client says about itself.
 */
const Tenant = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  verifiedDomains: z.array(z.string()).min(1),
  /** Settings the tenant starts with (the rest are the broker's defaults). */
  settings: TenantSettingsPatch.optional(),
});

const User = z
  .object({
    id: z.string().min(1).max(128),
    tenant: z.string().min(1),
    username: z.string().min(3),
    password: z.string().min(8).optional(),
    passwordScrypt: z.string().optional(), // "salt:hash", base64url
    displayName: z.string().min(1),
    jobTitle: z.string().default(""),
    company: z.string().default(""),
    groups: z.array(z.string()).default([]),
    totpSecret: z.string().optional(), // base32; when present, sign-in can add a second factor
  })
  .refine((u) => u.password || u.passwordScrypt, { message: "needs password or passwordScrypt" });

export const DirectoryFile = z.object({ tenants: z.array(Tenant).min(1), users: z.array(User) });

export type DirectoryTenant = z.infer<typeof Tenant>;
export type DirectoryUser = Omit<z.infer<typeof User>, "password" | "passwordScrypt"> & { passwordScrypt: string };

export interface Directory {
  tenants: DirectoryTenant[];
  users: DirectoryUser[];
  findUser(id: string): DirectoryUser | undefined;
  findUserByName(username: string): DirectoryUser | undefined;
  findTenant(id: string): DirectoryTenant | undefined;
  /** The user whose username and password match, or undefined (same time either way); throws HashingBusy when too many checks wait. */
  authenticate(username: string, password: string): Promise<DirectoryUser | undefined>;
}

export function loadDirectory(file: string): Directory {
  const parsed = DirectoryFile.parse(JSON.parse(fs.readFileSync(file, "utf8")));
  const tenants = new Map(parsed.tenants.map((t) => [t.id, t]));
  const users = parsed.users.map((u): DirectoryUser => {
    if (!tenants.has(u.tenant)) throw new Error(`${file}: user ${u.id} names unknown tenant ${u.tenant}`);
    const { password, passwordScrypt, ...rest } = u;
    return { ...rest, passwordScrypt: passwordScrypt ?? hashPassword(password!) };
  });
  const byId = new Map(users.map((u) => [u.id, u]));
  const byUsername = new Map(users.map((u) => [u.username.toLowerCase(), u]));
  const findUserByName = (username: string) => byUsername.get(username.trim().toLowerCase());
  const decoy = hashPassword(randomBytes(16).toString("hex"));
  // Four at a time (libuv's pool), sixteen waiting: ~0.6 s of queue at 34 ms a hash.
  const passwords = createPasswordChecker({ maxRunning: 4, maxWaiting: 16 });
  return {
    tenants: parsed.tenants,
    users,
    findUser: (id) => byId.get(id),
    findUserByName,
    findTenant: (id) => tenants.get(id),
    async authenticate(username, password) {
      const user = findUserByName(username);
      const ok = await passwords.verify(password, user?.passwordScrypt ?? decoy);
      return user && ok ? user : undefined;
    },
  };
}

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `${salt.toString("base64url")}:${scryptSync(password, salt, 32).toString("base64url")}`;
}
