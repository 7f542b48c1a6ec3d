import fs from "node:fs";
import { parseArgs } from "node:util";
import { buildPppcProfile, profileWarnings } from "./build-profile.js";
import { defaultBundleId, PPPC_SERVICES, PppcOptions } from "./options.js";
import { signProfile } from "./sign-profile.js";

/**
 * `npx tandem-pppc --team-id ABCDE12345 [...]`: writes the PPPC profile for the
 * Tandem app. Exit codes: 0 written, 1 could not write or sign, 2 bad input.
 */
export const USAGE = `Usage: tandem-pppc --team-id <TEAMID> [options]

Writes a macOS privacy profile (.mobileconfig) that lets your MDM pre-approve
what the Tandem app needs, for your signed build of it.

Options:
  --team-id <id>          Apple Team ID of the signing certificate (10 characters, required)
  --bundle-id <id>        the app's bundle id (default: appId of electron-builder.yml)
  --org <name>            organisation name shown in the profile (default: Tandem)
  --prefix <reverse-dns>  profile identifier prefix (default: the bundle id)
  --post-event            also pre-approve posting keyboard and mouse events (PostEvent)
  --listen-event          also let users approve listening to input events (ListenEvent)
  --no-accessibility      leave out Accessibility
  --no-screen-capture     leave out Screen Recording
  --admins-only           do not let standard users approve Screen Recording
  --sign-cert <pem>       sign the profile with this certificate...
  --sign-key <pem>        ...and this private key (both PEM files)
  --out <file>            where to write (default: tandem-pppc.mobileconfig; "-" for standard output)
  --help                  show this text
`;

export async function runCli(argv: string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        "team-id": { type: "string" },
        "bundle-id": { type: "string" },
        org: { type: "string", default: "Tandem" },
        prefix: { type: "string" },
        "post-event": { type: "boolean", default: false },
        "listen-event": { type: "boolean", default: false },
        "no-accessibility": { type: "boolean", default: false },
        "no-screen-capture": { type: "boolean", default: false },
        "admins-only": { type: "boolean", default: false },
        service: { type: "string", multiple: true },
        "sign-cert": { type: "string" },
        "sign-key": { type: "string" },
        out: { type: "string", default: "tandem-pppc.mobileconfig" },
        help: { type: "boolean", default: false },
      },
      strict: true,
    });
  } catch (error) {
    io.err.write(`tandem-pppc: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    io.out.write(USAGE);
    return 0;
  }
  if (!v["team-id"]) {
    io.err.write(`tandem-pppc: --team-id is required\n\n${USAGE}`);
    return 2;
  }
  const unknown = (v.service ?? []).find((s) => !(PPPC_SERVICES as readonly string[]).includes(s));
  if (unknown) {
    io.err.write(`tandem-pppc: unknown service "${unknown}" (known: ${PPPC_SERVICES.join(", ")})\n`);
    return 2;
  }
  let bundleId: string;
  try {
    bundleId = v["bundle-id"] ?? defaultBundleId();
  } catch (error) {
    io.err.write(`tandem-pppc: ${(error as Error).message}; pass --bundle-id\n`);
    return 2;
  }
  const services = new Set((v.service ?? []) as (typeof PPPC_SERVICES)[number][]);
  if (!v["no-accessibility"]) services.add("Accessibility");
  if (!v["no-screen-capture"]) services.add("ScreenCapture");
  if (v["post-event"]) services.add("PostEvent");
  if (v["listen-event"]) services.add("ListenEvent");
  const options = PppcOptions.safeParse({
    bundleId,
    teamId: v["team-id"],
    organization: v.org,
    identifierPrefix: v.prefix ?? bundleId,
    services: [...services],
    allowStandardUserApproval: !v["admins-only"],
  });
  if (!options.success) {
    const issue = options.error.issues[0]!;
    io.err.write(`tandem-pppc: ${FLAG[String(issue.path[0])] ?? String(issue.path[0])}: ${issue.message}\n`);
    return 2;
  }
  if (Boolean(v["sign-cert"]) !== Boolean(v["sign-key"])) {
    io.err.write("tandem-pppc: --sign-cert and --sign-key go together\n");
    return 2;
  }
  const profile = buildPppcProfile(options.data);
  for (const warning of profileWarnings(options.data)) io.err.write(`warning: ${warning}\n`);
  try {
    const bytes = v["sign-cert"]
      ? await signProfile(profile, { certificatePem: fs.readFileSync(v["sign-cert"], "utf8"), privateKeyPem: fs.readFileSync(v["sign-key"]!, "utf8") })
      : Buffer.from(profile);
    if (v.out === "-") io.out.write(bytes);
    else {
      fs.writeFileSync(v.out!, bytes);
      io.err.write(`wrote ${v.out} (${v["sign-cert"] ? "signed" : "unsigned"}) for ${options.data.bundleId}, Team ID ${options.data.teamId}\n`);
    }
    return 0;
  } catch (error) {
    io.err.write(`tandem-pppc: ${(error as Error).message}\n`);
    return 1;
  }
}

const FLAG: Record<string, string> = { teamId: "--team-id", bundleId: "--bundle-id", organization: "--org", identifierPrefix: "--prefix", services: "--service" };
