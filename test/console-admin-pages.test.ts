import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { validatePppcProfile } from "../src/pppc/index.js";
import { browserStackMissing, launchHelperBrowser } from "./support/browsers.js";
import { northwind } from "./support/demo-people.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";
import { createAndJoinWith } from "./support/idp-session-steps.js";
import { saveScreenshot } from "./support/screenshots.js";
import { goToPage, openConsole } from "./support/web-session-steps.js";
import { describeNeeding } from "./support/needs.js";

/**
 * The admin side of the console over the identity issue's API, in a real
 * browser: each page shows and changes what the broker holds, the menu
 * follows the signed-in person's permissions, exports download, and "Deploy
 * to Macs" produces a PPPC profile that validates against Apple's manifest.
 */
const missing = browserStackMissing();
const manifest = fs.readFileSync("test/fixtures/reference/com.apple.TCC.configuration-profile-policy.plist", "utf8");

describeNeeding(missing)("the console's admin pages", () => {
  let h: IdpHarness;
  let browser: Browser;
  let admin: Page;
  // A database file (not memory), so a test can tamper with the audit log as someone with database access would.
  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-admin-pages-"));
  const dbFile = path.join(dbDir, "tandem.sqlite");

  beforeAll(async () => {
    if (missing) throw new Error(missing);
    [h, browser] = await Promise.all([startIdpHarness({ sqliteFile: dbFile }), launchHelperBrowser()]);
    admin = await openConsole(browser, h.origin, northwind.admin);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    fs.rmSync(dbDir, { recursive: true, force: true });
  });

  const go = goToPage;

  it("shows each person only the pages their permissions allow", { timeout: 60_000 }, async () => {
    const menu = (page: Page) => page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
    const adminMenu = async (page: Page) => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Administration" }).click();
      return page.getByRole("navigation", { name: "Administration pages" }).getByRole("link").allTextContents();
    };
    expect(await menu(admin)).toEqual(["Home", "My sessions", "Devices", "Administration"]);
    expect(await adminMenu(admin)).toEqual(["Settings", "Roles", "Conditional access", "Reports", "Audit", "Deploy to Macs"]);
    expect(await admin.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Administration" }).getAttribute("aria-current")).toBe("page");
    const auditor = await openConsole(browser, h.origin, northwind.auditor);
    expect(await auditor.getByTestId("new-session").isDisabled()).toBe(true);
    expect(await menu(auditor)).toEqual(["Home", "My sessions", "Devices", "Administration"]);
    expect(await adminMenu(auditor)).toEqual(["Reports", "Audit"]);
    expect(auditor.url()).toBe(`${h.origin}/admin/reports`);
    const trainee = await openConsole(browser, h.origin, northwind.readOnly);
    expect(await menu(trainee)).toEqual(["Home", "My sessions"]);
    expect(await trainee.getByRole("navigation", { name: "Administration pages" }).count()).toBe(0);
    // Typing an admin address does not help: the page falls back to home, and the API refuses anyway.
    await trainee.goto(`${h.origin}/admin/settings`);
    await trainee.getByTestId("new-session").waitFor();
    expect(await trainee.evaluate(async () => (await fetch("/api/settings")).status)).toBe(403);
    await Promise.all([auditor.context().close(), trainee.context().close()]);
  });

  it("says what to do next on pages with nothing in them yet", { timeout: 60_000 }, async () => {
    await go(admin, "Devices");
    expect(await admin.getByTestId("devices-empty").textContent()).toMatch(/^No devices yet\. Create an enrollment token below/);
    await go(admin, "Conditional access");
    expect(await admin.getByTestId("access-empty").textContent()).toMatch(/^No conditional access policies yet/);
  });

  it("creates a custom role and assigns it to a group, refusing to delete a role still assigned", { timeout: 60_000 }, async () => {
    await go(admin, "Roles");
    const form = admin.locator("form", { hasText: "New role" });
    await form.getByLabel("Name").fill("Night shift");
    await form.getByLabel("View screens").check();
    await form.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => admin.getByTestId("roles").textContent()).toContain("Night shift");
    const assign = admin.locator("form", { hasText: "New assignment" });
    await assign.getByLabel("Role").selectOption({ label: "Night shift" });
    await assign.getByLabel("User or group").fill("night-shift");
    await assign.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => admin.getByTestId("assignments").textContent()).toContain("night-shift");
    await admin.getByTestId("roles").getByRole("row", { name: /Night shift/ }).getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => admin.getByRole("alert").textContent()).toContain("still assigned");
    await saveScreenshot(admin, "admin-roles-en");
  });

  it("adds a conditional access policy and rejects an address range that is not one", { timeout: 60_000 }, async () => {
    await go(admin, "Conditional access");
    const form = admin.locator("form", { hasText: "New policy" });
    await form.getByLabel("Name").fill("Trainees need MFA");
    await form.getByLabel("Groups (comma separated)").fill("help-desk-trainees");
    await form.getByLabel("Address ranges").fill("10.0.0.0/33");
    await form.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => admin.getByRole("alert").textContent()).toContain("not an address range: 10.0.0.0/33");
    await form.getByLabel("Address ranges").fill("10.0.0.0/8");
    await form.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => admin.locator("table").textContent()).toContain("Trainees need MFA");
    const stored = await admin.evaluate(async () => (await fetch("/api/access-policies")).json());
    expect(stored).toContainEqual(expect.objectContaining({ name: "Trainees need MFA", control: "require_mfa", conditions: expect.objectContaining({ addressRanges: ["10.0.0.0/8"], groups: ["help-desk-trainees"] }) }));
    await saveScreenshot(admin, "admin-access-en");
  });

  it("exports the session report as CSV and shows the audit chain intact", { timeout: 60_000 }, async () => {
    const { helper, sessionId } = await createAndJoinWith(h, northwind.operator, northwind.sharer);
    helper.send({ type: "session.end", sessionId });
    await helper.next("session.state");
    await go(admin, "Reports");
    await expect.poll(() => admin.getByTestId("session-row").first().textContent()).toContain("Hugo Moreau");
    const [download] = await Promise.all([admin.waitForEvent("download"), admin.getByTestId("export-csv").click()]);
    const csv = fs.readFileSync((await download.path())!, "utf8");
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[1]).toContain(`${sessionId},nw-helper,Hugo Moreau,nw-sharer-1,Sam Okafor`);
    expect(lines[0]).toBe("sessionId,helperId,helperName,sharerId,sharerName,deviceId,deviceEnrolled,deviceCompliant,level,status,endReason,createdAt,joinedAt,endedAt,durationSeconds");
    await go(admin, "Audit");
    await expect.poll(() => admin.getByTestId("audit-status").locator("p").first().textContent()).toMatch(/^The audit chain is intact \(\d+ records verified\)\.$/);
    await expect.poll(() => admin.locator("table").textContent()).toContain("role.saved"); // the rows load after the status
    await saveScreenshot(admin, "admin-audit-en");
  });

  it("generates, previews and downloads the PPPC profile for Macs, with the deprecation warning", { timeout: 60_000 }, async () => {
    await go(admin, "Deploy to Macs");
    await admin.getByTestId("pppc-team-id").fill("abc");
    await admin.getByTestId("pppc-generate").click();
    await expect.poll(() => admin.getByTestId("pppc-error").textContent()).toMatch(/team/i);
    await admin.getByTestId("pppc-team-id").fill("ABCDE12345");
    await admin.getByTestId("pppc-generate").click();
    await admin.getByTestId("pppc-preview").waitFor();
    expect(await admin.getByTestId("pppc-warning").first().textContent()).toMatch(/Accessibility.*26\.2/);
    const [download] = await Promise.all([admin.waitForEvent("download"), admin.getByTestId("pppc-download").click()]);
    expect(download.suggestedFilename()).toBe("tandem-pppc-ABCDE12345.mobileconfig");
    const profile = fs.readFileSync((await download.path())!, "utf8");
    expect(profile).toBe(await admin.getByTestId("pppc-preview").textContent());
    expect(validatePppcProfile(profile, manifest).problems).toEqual([]);
    expect(profile).toContain("certificate leaf[subject.OU] = ABCDE12345");
    await saveScreenshot(admin, "admin-deploy-macs-en");
  });

  it("pages back through the audit log, filters it, and names rows deleted after a signed checkpoint", { timeout: 60_000 }, async () => {
    for (let i = 0; i < 60; i++) await h.broker.store.appendAudit({ tenantId: "northwind.test", sessionId: null, actorId: "paging-actor", action: "access.refused", detail: { code: "forbidden", i }, at: Date.now() });
    await go(admin, "Audit");
    await admin.getByTestId("audit-filter-actor").fill("paging-actor");
    await admin.getByTestId("audit-filters").getByRole("button").click();
    await expect.poll(() => admin.getByTestId("audit-row").count()).toBe(50);
    expect(await admin.getByTestId("audit-row").first().textContent()).toContain("i: 59"); // newest first
    await admin.getByTestId("audit-older").click();
    await expect.poll(() => admin.getByTestId("audit-row").count()).toBe(60);
    expect(await admin.getByTestId("audit-row").last().textContent()).toContain("i: 0");
    expect(await admin.getByTestId("audit-older").count()).toBe(0);
    // Details are a line in words with the record behind a disclosure: at 1280 px nothing scrolls sideways.
    await admin.setViewportSize({ width: 1280, height: 800 });
    expect(await admin.getByTestId("audit-row").first().locator("summary").textContent()).toBe("code: forbidden · i: 59");
    expect(await admin.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await admin.getByTestId("audit-row").first().locator("summary").click();
    expect(await admin.getByTestId("audit-row").first().locator("pre").textContent()).toContain('"code": "forbidden"');
    expect(await admin.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await saveScreenshot(admin, "admin-audit-paged-en");
    await admin.setViewportSize({ width: 1400, height: 900 });

    // Someone with the database deletes the newest rows after a checkpoint saw them.
    await h.broker.checkpoints.writeNow();
    const db = new Database(dbFile);
    db.prepare("delete from audit_events where tenant_id = 'northwind.test' and seq > (select max(seq) - 5 from audit_events where tenant_id = 'northwind.test')").run();
    db.close();
    await admin.reload();
    await expect.poll(() => admin.getByTestId("audit-problem").textContent()).toMatch(/^The newest records were deleted: a signed checkpoint saw record \d+, which is gone\.$/);
    expect(await admin.getByTestId("audit-status").getAttribute("class")).toContain("bad");
    await saveScreenshot(admin, "admin-audit-broken-en");
  });

  it("names who acted in the audit log, with the id on hover, and the broker's own events as Tandem's", { timeout: 60_000 }, async () => {
    const at = Date.now();
    await h.broker.store.appendAudit({ tenantId: "northwind.test", sessionId: null, actorId: "nw-helper", action: "session.created", detail: {}, at });
    await h.broker.store.appendAudit({ tenantId: "northwind.test", sessionId: null, actorId: null, action: "retention.pruned", detail: { sessions: 0 }, at });
    await h.broker.store.appendAudit({ tenantId: "northwind.test", sessionId: null, actorId: "fb-helper", action: "access.refused", detail: {}, at }); // another tenant's person: not named here
    await admin.goto(`${h.origin}/admin/audit`);
    const actors = admin.getByTestId("audit-row").getByTestId("audit-actor");
    await expect.poll(() => actors.count()).toBeGreaterThan(3);
    expect(await actors.nth(0).textContent()).toBe("fb-helper");
    expect(await actors.nth(1).textContent()).toBe("Tandem (automatic)");
    expect(await actors.nth(2).textContent()).toBe("Hugo Moreau");
    expect(await actors.nth(2).getAttribute("title")).toBe("nw-helper");
  });

  it("keeps every admin page readable right to left", { timeout: 60_000 }, async () => {
    const arabic = await openConsole(browser, h.origin, northwind.admin, "ar");
    for (const [path, name] of [["/admin/settings", "settings"], ["/admin/roles", "roles"], ["/admin/devices", "devices"], ["/admin/access", "access"], ["/admin/reports", "reports"], ["/admin/audit", "audit"], ["/admin/deploy-macs", "deploy-macs"], ["/history", "history"]]) {
      await arabic.goto(`${h.origin}${path}`);
      await arabic.locator("main h1").waitFor();
      expect(await arabic.evaluate(() => document.documentElement.dir)).toBe("rtl");
      await saveScreenshot(arabic, `admin-${name}-ar`);
    }
    await arabic.context().close();
  });
});
