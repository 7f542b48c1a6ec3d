/** Limits both ends agree on, so a client can refuse before the broker has to. */
export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_CHAT_CHARS = 4000;
export const MAX_SDP_CHARS = 48 * 1024;
export const MAX_ICE_CHARS = 2048;
/** An ICE candidate's media id and username fragment, and the index of its media line. */
export const MAX_SDP_MID_CHARS = 64;
export const MAX_UFRAG_CHARS = 256;
export const MAX_MLINE_INDEX = 64;
/** A client's own correlation id for a request. */
export const MAX_REQ_ID_CHARS = 64;
/** A page of chat history stays under this many bytes of JSON, however long the messages. */
export const CHAT_PAGE_BYTES = 64 * 1024;
