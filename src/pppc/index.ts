export { buildPppcProfile, profileWarnings, stableUuid, TCC_PAYLOAD_TYPE } from "./build-profile.js";
export { developerIdRequirement, parseDesignatedRequirement, sameRequirement } from "./code-requirement.js";
export { defaultBundleId, PPPC_SERVICES, PppcOptions, type PppcInput, type PppcService } from "./options.js";
export { signProfile } from "./sign-profile.js";
export { validatePppcProfile, type ProfileCheck } from "./validate-profile.js";
