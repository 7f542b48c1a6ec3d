// electron-builder afterSign hook: refuse a macOS build whose designated
// requirement is not what the PPPC profile generator emits (scripts/pppc-check.ts).
const { execFileSync } = require("node:child_process");
const path = require("node:path");

exports.default = async function afterSign(context) {
  if (context.electronPlatformName !== "darwin") return;
  const teamId = process.env.APPLE_TEAM_ID;
  if (!teamId) {
    console.log("pppc:check skipped: APPLE_TEAM_ID is not set (unsigned build)");
    return;
  }
  const app = path.join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`);
  execFileSync("npm", ["run", "-s", "pppc:check", "--", "--app", app, "--team-id", teamId, "--bundle-id", context.packager.appInfo.id], { stdio: "inherit" });
};
