import { describe, expect, it } from "vitest";
import { type AccessPolicy, BUILT_IN_ROLES, type RoleAssignment } from "../src/protocol/index.js";
import { evaluateAccess, validCidr } from "../src/server/policy/access-policy.js";
import { compareVersions, evaluateCompliance } from "../src/server/policy/compliance.js";
import { permissionsFor } from "../src/server/policy/rbac.js";

const policy = (p: Partial<AccessPolicy> & Pick<AccessPolicy, "control">): AccessPolicy => ({
  id: "p",
  name: "Office only",
  enabled: true,
  conditions: { users: [], groups: [], addressRanges: [] },
  appliesTo: ["session_create"],
  ...p,
});
const ask = (address: string, extra: Partial<{ groups: string[]; amr: string[]; userId: string }> = {}) => ({
  stage: "session_create" as const,
  userId: "u1",
  groups: [],
  amr: ["pwd"],
  address,
  ...extra,
});

describe("conditional access", () => {
  it.each([
    ["10.1.2.3", ["10.0.0.0/8"], true],
    ["11.1.2.3", ["10.0.0.0/8"], false],
    ["::ffff:10.1.2.3", ["10.0.0.0/8"], true],
    ["2001:db8::7", ["2001:db8::/32"], true],
    ["2001:db9::7", ["2001:db8::/32"], false],
    ["192.0.2.10", ["192.0.2.10"], true],
    ["not-an-ip", ["0.0.0.0/0"], false],
  ])("address %s in %j → blocked %s", (address, ranges, blocked) => {
    const refusal = evaluateAccess([policy({ control: "block", conditions: { users: [], groups: [], addressRanges: ranges } })], ask(address));
    expect(refusal !== null).toBe(blocked);
  });

  it("require_mfa refuses without the mfa method and names the policy; passes with it", () => {
    const rules = [policy({ name: "Admins need MFA", control: "require_mfa", conditions: { users: [], groups: ["it-admins"], addressRanges: [] } })];
    expect(evaluateAccess(rules, ask("10.0.0.1", { groups: ["it-admins"] }))?.reason).toBe('the access policy "Admins need MFA" requires multi-factor sign-in');
    expect(evaluateAccess(rules, ask("10.0.0.1", { groups: ["it-admins"], amr: ["pwd", "otp", "mfa"] }))).toBeNull();
    expect(evaluateAccess(rules, ask("10.0.0.1", { groups: ["help-desk"] }))).toBeNull();
  });

  it("ignores disabled policies and other stages", () => {
    expect(evaluateAccess([policy({ control: "block", enabled: false })], ask("10.0.0.1"))).toBeNull();
    expect(evaluateAccess([policy({ control: "block", appliesTo: ["sign_in"] })], ask("10.0.0.1"))).toBeNull();
  });

  it.each([
    ["10.0.0.0/8", true],
    ["2001:db8::/129", false],
    ["10.0.0.0/33", false],
    ["10.0.0/8", false],
    ["10.0.0.1", true],
    ["10.0.0.0/8/1", false],
  ])("validates the range %s → %s", (range, valid) => expect(validCidr(range)).toBe(valid));
});

describe("compliance", () => {
  const now = Date.UTC(2026, 10, 23);
  const mac = { platform: "macos" as const, osVersion: "14.5", appVersion: "1.2.0", lastSeenAt: now - 3 * 86_400_000 };

  it("names each rule a device misses", () => {
    const result = evaluateCompliance({ minOsVersion: { macos: "15.0" }, minAppVersion: "1.3", maxDaysSinceCheckIn: 2 }, mac, now);
    expect(result).toEqual({
      compliant: false,
      reasons: ["macOS 14.5 is older than the required 15.0", "Tandem 1.2.0 is older than the required 1.3", "last checked in 3 days ago (at most 2 allowed)"],
    });
  });

  it("passes a device that meets every rule, and rules for other platforms do not apply", () => {
    expect(evaluateCompliance({ minOsVersion: { macos: "14.0", windows: "99" }, minAppVersion: "1.2.0", maxDaysSinceCheckIn: 7 }, mac, now)).toEqual({ compliant: true, reasons: [] });
  });

  it.each([
    ["14.10", "14.9", 1],
    ["10.15.7", "11", -1],
    ["1.2", "1.2.0", 0],
    ["10.0.19045", "10.0.22621", -1],
  ])("compares versions numerically: %s vs %s → %i", (a, b, sign) => expect(compareVersions(a, b)).toBe(sign));
});

describe("role-based access", () => {
  const assignments: RoleAssignment[] = [
    { id: "a", roleId: "read-only-helper", principal: { type: "group", id: "help-desk" }, scopeGroups: null },
    { id: "b", roleId: "help-desk-operator", principal: { type: "user", id: "u1" }, scopeGroups: ["finance"] },
  ];

  it("adds roles from the user and from their groups; scoped roles count only for sharers in scope", () => {
    const me = { userId: "u1", groups: ["help-desk"] };
    expect([...permissionsFor(me, BUILT_IN_ROLES, assignments, { groups: ["sales"] })].sort()).toEqual(["session.annotate", "session.view"]);
    expect([...permissionsFor(me, BUILT_IN_ROLES, assignments, { groups: ["finance"] })].sort()).toEqual(["devices.read", "session.annotate", "session.clipboard", "session.control", "session.files", "session.unenrolled", "session.view"]);
    expect(permissionsFor(me, BUILT_IN_ROLES, assignments).has("session.control")).toBe(true); // may help someone
    expect(permissionsFor({ userId: "u2", groups: [] }, BUILT_IN_ROLES, assignments).size).toBe(0);
  });
});
