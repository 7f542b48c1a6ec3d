/**
 * A small, deterministic XML property list writer: keys in the order given,
 * tabs for indentation, nothing that varies between runs, so a profile for the
 * same inputs is the same bytes every time.
 */
export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

export function toPlistXml(root: PlistValue): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n${value(root, 0)}\n</plist>\n`;
}

function value(v: PlistValue, depth: number): string {
  const pad = "\t".repeat(depth);
  if (typeof v === "string") return `${pad}<string>${escapeXml(v)}</string>`;
  if (typeof v === "boolean") return `${pad}<${v}/>`;
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw new Error("only integers are written");
    return `${pad}<integer>${v}</integer>`;
  }
  if (Array.isArray(v)) return v.length ? `${pad}<array>\n${v.map((x) => value(x, depth + 1)).join("\n")}\n${pad}</array>` : `${pad}<array/>`;
  const entries = Object.entries(v);
  if (!entries.length) return `${pad}<dict/>`;
  return `${pad}<dict>\n${entries.map(([k, x]) => `${pad}\t<key>${escapeXml(k)}</key>\n${value(x, depth + 1)}`).join("\n")}\n${pad}</dict>`;
}

/** Escapes element text (a plist has no attributes, so quotes stay as they are, as Apple writes them). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);
}
