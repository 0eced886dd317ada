/** The event protocol of `/server/events`, shown in Swagger. */
export const EVENT_STREAM_DESCRIPTION = `
Opens a \`text/event-stream\` of one conversation (\`conversationId\`, or the default public one).
Every subscriber of a conversation receives every event of it.

The stream starts with a \`retry:\` hint; a \`: ping\` comment comes every \`SSE_HEARTBEAT_MS\`.
Each event has an \`id:\` (\`<ms>-<seq>\`); reconnect with \`Last-Event-ID\` (header, as EventSource
does, or the \`lastEventId\` query parameter) to receive exactly the events you missed.

| event | data (JSON unless noted) |
| --- | --- |
| \`delta\` | \`{"messageId","text"}\`: the next piece of a reply |
| \`tool_call\` | \`{"messageId","index","id"?,"name"?,"argumentsDelta"}\`: a piece of a tool call (the first of call \`index\` has its id and name) |
| \`done\` | \`{"messageId","text","finishReason","model"?,"usage"?,"toolCalls"?,"cancelReason"?}\`: the whole reply (\`model\`: the model that answered); \`finishReason\` is \`cancelled\` for a stopped reply, \`tool_calls\` when it called tools (\`toolCalls\`) |
| \`error\` | \`{"messageId","code","message","text","details"?}\`: the reply failed; \`text\` is the part already sent |
| (unnamed, \`onmessage\`) | plain text: the whole reply once complete (or a readable error), for simple clients |
| \`reset\` | \`{"conversationId","reason"}\`: events you missed are gone; reload the conversation |
| \`shutdown\` | \`{"reason","retryMs"}\`: the server is restarting; reconnect after \`retryMs\` |

Error codes: upstream_auth, upstream_rate_limited, upstream_bad_request, upstream_input_too_long,
upstream_unavailable, upstream_timeout, upstream_protocol, internal_error, generation_lost (the
instance running the reply died; another one ended it).
`.trim();
