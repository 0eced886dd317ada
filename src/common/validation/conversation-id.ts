/** Conversation ids: letters, digits, `_` and `-`, up to 128 characters (safe in keys, paths and URLs). */
export const CONVERSATION_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
export const CONVERSATION_ID_RULE =
  'conversationId must be 1 to 128 characters among letters, digits, "_" and "-"';
