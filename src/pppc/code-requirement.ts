/**
 * The designated requirement of an app signed with a Developer ID certificate,
 * in Apple's documented form: the bundle id, Apple's anchor, the Developer ID
 * CA (…6.2.6), the Developer ID Application leaf (…6.1.13) and the Team ID.
 */
export function developerIdRequirement(bundleId: string, teamId: string): string {
  return `identifier "${bundleId}" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = ${teamId}`;
}

/** The designated requirement `codesign -d -r- App.app` prints, without its `designated =>` label. */
export function parseDesignatedRequirement(codesignOutput: string): string | null {
  const line = codesignOutput.split("\n").find((l) => l.startsWith("designated => "));
  return line ? line.slice("designated => ".length).trim() : null;
}

/** Requirements compared as codesign prints them, ignoring only runs of white space. */
export function sameRequirement(a: string, b: string): boolean {
  const canonical = (s: string) => s.replace(/\s+/g, " ").trim();
  return canonical(a) === canonical(b);
}
