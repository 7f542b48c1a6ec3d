export * from "./codes.js";
export * from "./input.js";
export * from "./errors.js";
export * from "./limits.js";
export * from "./messages.js";
export * from "./policy.js";
export * from "./session-machine.js";
export * from "./version.js";
