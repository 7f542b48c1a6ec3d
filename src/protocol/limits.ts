/** Limits both ends agree on, so a client can refuse before the broker has to. */
export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_CHAT_CHARS = 4000;
export const MAX_SDP_CHARS = 48 * 1024;
export const MAX_ICE_CHARS = 2048;
/** A page of chat history stays under this many bytes of JSON, however long the messages. */
export const CHAT_PAGE_BYTES = 64 * 1024;
