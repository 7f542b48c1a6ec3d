import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";

/** Screenshots kept as test artifacts (test/artifacts/screenshots, ignored by git), to be looked at. */
export const SCREENSHOT_DIR = path.resolve("test/artifacts/screenshots");

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
