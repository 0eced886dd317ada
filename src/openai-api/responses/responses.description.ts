/** The OpenAPI description of `POST /v1/responses`: what a client sees in the docs. */
export const RESPONSES_DESCRIPTION = [
  "OpenAI's Responses API over whichever provider serves the model (mock, ERNIE, Qianfan, " +
    'OpenAI-compatible), with the same request policy and parameter fates as chat completions.',
  '',
  '`stream: false` answers a `response` object. `stream: true` answers `text/event-stream`, each event ' +
    'named by its `type` and numbered by `sequence_number`: `response.created`, `response.in_progress`, ' +
    '`response.output_item.added`, `response.content_part.added`, `response.output_text.delta`… ' +
    '`response.output_text.done`, `response.content_part.done`, `response.function_call_arguments.delta`… ' +
    '`.done`, `response.output_item.done`, then `response.completed` (with `usage`) or ' +
    '`response.incomplete` (cut by `max_output_tokens`). A failure after the first event is an `error` ' +
    'event, then `response.failed`; before it, an HTTP error status.',
  '',
  'Function calls come back as `function_call` items; answer them with `function_call_output` items, ' +
    'in the same input (replaying the call) or after `previous_response_id`. With `store` (the default) ' +
    'the response is kept for `GET`/`DELETE /v1/responses/{id}` and `previous_response_id`, owned by the ' +
    'API key. A client that disconnects cancels the model call.',
].join('\n');
