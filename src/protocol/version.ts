/** Bumped on any incompatible change of the wire contract; sent in `hello`. */
export const PROTOCOL_VERSION = 1;
