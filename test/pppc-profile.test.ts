import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { parse as parsePlist } from "plist";
import { describe, expect, it } from "vitest";
import { buildPppcProfile, developerIdRequirement, profileWarnings, validatePppcProfile, type PppcInput } from "../src/pppc/index.js";

const manifest = fs.readFileSync("test/fixtures/reference/com.apple.TCC.configuration-profile-policy.plist", "utf8");
const golden: PppcInput = { bundleId: "org.tandemhelp.Tandem", teamId: "ABCDE12345", organization: "Northwind Traders", identifierPrefix: "com.northwind", services: ["Accessibility", "ScreenCapture", "PostEvent"], allowStandardUserApproval: true };
const base: PppcInput = { bundleId: "org.tandemhelp.Tandem", teamId: "ABCDE12345", organization: "Northwind", identifierPrefix: "com.northwind" };

type Entry = Record<string, unknown>;
const services = (xml: string) => ((parsePlist(xml) as { PayloadContent: { Services: Record<string, Entry[]> }[] }).PayloadContent[0]!.Services);

function parseWithPython(xml: string): unknown {
  const script = "import plistlib,sys,json; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))";
  return JSON.parse(execFileSync("python3", ["-c", script], { input: xml }).toString());
}

describe("PPPC profile", () => {
  it("is byte-identical to the reviewed golden file for the same input", () => {
    expect(buildPppcProfile(golden)).toBe(fs.readFileSync("test/fixtures/pppc/golden.mobileconfig", "utf8"));
  });

  it("parses the same with the plist package and Python's plistlib", () => {
    const xml = buildPppcProfile(golden);
    expect(parseWithPython(xml)).toEqual(JSON.parse(JSON.stringify(parsePlist(xml))));
  });

  it("says exactly what MDM needs: Accessibility allowed, Screen Recording left to the user, the Developer ID requirement", () => {
    const profile = parsePlist(buildPppcProfile(base)) as Record<string, unknown>;
    expect(profile).toMatchObject({ PayloadType: "Configuration", PayloadScope: "System", PayloadVersion: 1, PayloadIdentifier: "com.northwind.tandem.pppc", PayloadOrganization: "Northwind" });
    const s = services(buildPppcProfile(base));
    expect(Object.keys(s)).toEqual(["Accessibility", "ScreenCapture"]);
    const requirement = 'identifier "org.tandemhelp.Tandem" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = ABCDE12345';
    expect(developerIdRequirement("org.tandemhelp.Tandem", "ABCDE12345")).toBe(requirement);
    expect(s.Accessibility![0]).toMatchObject({ Authorization: "Allow", Identifier: "org.tandemhelp.Tandem", IdentifierType: "bundleID", StaticCode: false, CodeRequirement: requirement });
    expect(s.ScreenCapture![0]).toMatchObject({ Authorization: "AllowStandardUserToSetSystemService", CodeRequirement: requirement });
    expect(s.Accessibility![0]).not.toHaveProperty("Allowed");
  });

  it.each([
    ["the default services", base],
    ["every service", { ...base, services: ["Accessibility", "ScreenCapture", "PostEvent", "ListenEvent"] }],
    ["admins only", { ...base, allowStandardUserApproval: false }],
  ] as [string, PppcInput][])("validates against the reference manifest: %s", (_what, input) => {
    const check = validatePppcProfile(buildPppcProfile(input), manifest);
    expect(check.problems).toEqual([]);
    expect(check.deprecated).toContainEqual({ service: "Accessibility", since: "26.2" });
  });

  it("the validator catches a profile that breaks the manifest's rules", () => {
    const broken = buildPppcProfile(base)
      .replace("<key>StaticCode</key>\n\t\t\t\t\t\t<false/>", "<key>StaticCode</key>\n\t\t\t\t\t\t<string>no</string>\n\t\t\t\t\t\t<key>Allowed</key>\n\t\t\t\t\t\t<true/>")
      .replace("<string>bundleID</string>", "<string>teamID</string>")
      .replace("<key>Comment</key>", "<key>Colour</key>")
      .replace("<string>Allow</string>", "<string>AllowStandardUserToSetSystemService</string>");
    const { problems } = validatePppcProfile(broken, manifest);
    expect(problems).toEqual(
      expect.arrayContaining([
        "payload.Services.Accessibility[0].StaticCode: expected boolean",
        'payload.Services.Accessibility[0].IdentifierType: "teamID" is not one of ["bundleID","path"]',
        "payload.Services.Accessibility[0]: unknown key Colour",
        "payload.Services.Accessibility[0].Authorization: AllowStandardUserToSetSystemService is only valid for ListenEvent and ScreenCapture",
        "payload.Services.Accessibility[0]: Authorization and Allowed must not both be set",
      ]),
    );
  });

  it("derives stable UUIDs from the inputs: same inputs same UUIDs, other inputs other UUIDs", () => {
    const uuids = (input: PppcInput) => [...buildPppcProfile(input).matchAll(/<key>PayloadUUID<\/key>\s*<string>([0-9A-F-]{36})<\/string>/g)].map((m) => m[1]);
    expect(uuids(base)).toEqual(uuids({ ...base }));
    expect(uuids(base)[0]).not.toBe(uuids(base)[1]);
    for (const other of [{ ...base, teamId: "ZYXWV98765" }, { ...base, bundleId: "org.tandemhelp.Other" }, { ...base, identifierPrefix: "com.fabrikam" }, { ...base, services: ["Accessibility" as const] }]) {
      expect(uuids(other)).not.toEqual(uuids(base));
    }
    expect(uuids(base)[0]).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-8[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  });

  it("escapes XML metacharacters in the organisation and refuses what could break the requirement", () => {
    const org = `Smith & Sons "<Ltd>" </string><key>x</key>`;
    const xml = buildPppcProfile({ ...base, organization: org });
    expect((parsePlist(xml) as { PayloadOrganization: string }).PayloadOrganization).toBe(org);
    expect(validatePppcProfile(xml, manifest).problems).toEqual([]);
    expect(() => buildPppcProfile({ ...base, organization: "Line\nbreak" })).toThrow(/control characters/);
    expect(() => buildPppcProfile({ ...base, bundleId: 'org.x" or anchor apple' })).toThrow(/bundle id/);
    expect(() => buildPppcProfile({ ...base, teamId: "ABCDE1234" })).toThrow(/Team ID/);
    expect(() => buildPppcProfile({ ...base, teamId: "abcde12345" })).toThrow(/Team ID/);
  });

  it("warns about the Accessibility deprecation and what Screen Recording profiles cannot do", () => {
    expect(profileWarnings(base).join(" ")).toContain("deprecated in macOS 26.2 and removed in macOS 27.0");
    expect(profileWarnings({ ...base, allowStandardUserApproval: false }).join(" ")).toContain("ScreenCapture left out");
    expect(Object.keys(services(buildPppcProfile({ ...base, allowStandardUserApproval: false })))).toEqual(["Accessibility"]);
  });
});
