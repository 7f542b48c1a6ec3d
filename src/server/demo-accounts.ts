import fs from "node:fs";

/** The demo directory's accounts with their demo passwords, for `npm start` and `npm run demo:pair`. */
export interface DemoAccount {
  username: string;
  password: string;
  displayName: string;
  tenant: string;
  groups: string[];
}

export function demoAccounts(directoryFile: string): DemoAccount[] {
  const file = JSON.parse(fs.readFileSync(directoryFile, "utf8")) as { users: (DemoAccount & { password?: string })[] };
  return file.users.filter((u): u is DemoAccount => typeof u.password === "string");
}
