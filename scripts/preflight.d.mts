/** Types for scripts/preflight.mjs (a plain script so npm test can run it before anything is built). */
export interface Requirement {
  pkg: string;
  command?: string;
  file?: string;
  why: string;
}
export const REQUIREMENTS: Requirement[];
export function missingRequirements(env?: NodeJS.ProcessEnv, requirements?: Requirement[]): Requirement[];
export function installCommand(missing: Requirement[]): string;
export function preflight(env?: NodeJS.ProcessEnv): boolean;
