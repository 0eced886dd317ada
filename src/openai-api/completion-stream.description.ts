/** What `POST /v1/chat/completions` does and streams, shown in Swagger. */
export const COMPLETION_STREAM_DESCRIPTION = `
OpenAI Chat Completions on the configured provider: point any OpenAI client at \`<server>/v1\`
(\`baseURL\`) with an API key from API_KEYS (any non-empty string when API_KEYS is unset).

Body fields this server does not know are ignored (OpenAI clients send many optional ones);
OpenAI's generation parameters are forwarded, mapped or refused with a 400 naming them, per the
configured provider (the parameter table in docs/openai-api.md). Tool calling works as OpenAI's: \`tools\`,
\`tool_choice\`, \`parallel_tool_calls\` (or legacy \`functions\`), \`role: "tool"\` results. \`model\` is
required but any value is answered by the served model (see \`GET /v1/models\`). \`system\` and
\`developer\` messages become the system prompt, after the server's SYSTEM_PROMPT.

**\`stream: true\`**: \`text/event-stream\` of unnamed events, each \`data: <chat.completion.chunk>\`:

| order | chunk |
| --- | --- |
| first | \`choices[0].delta\` = \`{"role":"assistant","content":""}\` |
| then, per piece of text | \`choices[0].delta.content\` |
| per piece of a tool call | \`choices[0].delta.tool_calls\` = \`[{index, id, type, function: {name, arguments}}]\` first, then \`[{index, function: {arguments}}]\` |
| last of the choice | \`choices[0].delta\` = \`{}\`, \`finish_reason\` = \`stop\` / \`length\` / \`content_filter\` / \`tool_calls\` |
| with \`stream_options.include_usage\` | \`choices\` = \`[]\`, \`usage\` = \`{prompt_tokens, completion_tokens, total_tokens}\` (and \`usage: null\` on the chunks before) |
| end | \`data: [DONE]\` |

A failure before the first chunk is an ordinary HTTP error (status and \`{"error":{…}}\` body);
after it, one \`data: {"error":{"message","type","code","param"}}\` event, then the stream closes
(no \`[DONE]\`). Closing the connection cancels the upstream call. A streamed completion counts
as an open stream of its key (MAX_STREAMS_PER_KEY).

Errors are OpenAI-shaped \`{"error":{"message","type","code","param"}}\`: 400 invalid_request_error,
401 authentication_error, 429 rate_limit_error, 502/503/504 server_error mapped from the upstream
failure (upstream_auth and upstream_protocol 502, upstream_rate_limited and upstream_unavailable
503, upstream_timeout 504; a refused input is 400 upstream_bad_request or context_length_exceeded).
`.trim();
