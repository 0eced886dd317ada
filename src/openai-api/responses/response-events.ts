import type { LlmToolCall, LlmToolCallDelta } from '../../llm/llm.types.js';
import type {
  OutputItemDto,
  ResponseErrorDto,
  ResponseObjectDto,
} from './dto/response-object.dto.js';
import {
  itemStatus,
  textPart,
  type ReplyOutcome,
  type ResponseFormat,
} from './response-format.js';

/**
 * One event of the Responses stream, as OpenAI names and shapes them; every
 * event carries its `sequence_number`. The SSE event name is its `type`.
 */
const LIFECYCLE_TYPES = [
  'response.created',
  'response.in_progress',
  'response.completed',
  'response.incomplete',
  'response.failed',
] as const;

/** The events that carry the whole response, one member per type. */
type LifecycleEvent = {
  [T in (typeof LIFECYCLE_TYPES)[number]]: {
    type: T;
    sequence_number: number;
    response: ResponseObjectDto;
  };
}[(typeof LIFECYCLE_TYPES)[number]];

export type ResponseEvent =
  | LifecycleEvent
  | {
      type: 'response.output_item.added' | 'response.output_item.done';
      sequence_number: number;
      output_index: number;
      item: OutputItemDto;
    }
  | {
      type: 'response.content_part.added' | 'response.content_part.done';
      sequence_number: number;
      item_id: string;
      output_index: number;
      content_index: number;
      part: ReturnType<typeof textPart>;
    }
  | {
      type: 'response.output_text.delta';
      sequence_number: number;
      item_id: string;
      output_index: number;
      content_index: number;
      delta: string;
      logprobs: never[];
    }
  | {
      type: 'response.output_text.done';
      sequence_number: number;
      item_id: string;
      output_index: number;
      content_index: number;
      text: string;
      logprobs: never[];
    }
  | {
      type: 'response.function_call_arguments.delta';
      sequence_number: number;
      item_id: string;
      output_index: number;
      delta: string;
    }
  | {
      type: 'response.function_call_arguments.done';
      sequence_number: number;
      item_id: string;
      output_index: number;
      name: string;
      arguments: string;
    }
  | {
      type: 'error';
      sequence_number: number;
      code: string | null;
      message: string;
      param: string | null;
    };

/**
 * A response's `error.code` is one of OpenAI's few codes: a rate limit, or
 * a server error; the `error` event before it carries the gateway's own.
 */
function responseErrorCode(code: string): ResponseErrorDto['code'] {
  return code === 'upstream_rate_limited' || code === 'rate_limit_exceeded'
    ? 'rate_limit_exceeded'
    : 'server_error';
}

/** Distributes `Omit` over the union, so each event is built without its number. */
type Unnumbered<E> = E extends unknown ? Omit<E, 'sequence_number'> : never;

/** An item opened in the stream: the message (all the reply's text) or one call. */
type OpenItem =
  | { kind: 'message'; outputIndex: number; itemId: string }
  | { kind: 'call'; outputIndex: number; itemId: string; call: LlmToolCall };

/**
 * The typed event stream of one response. It only formats: deltas open
 * items and pass on as they come, and every `.done` event and the final
 * response are built from the reply the streaming core folded, so the
 * stream and the stored response cannot disagree.
 *
 * All of the reply's text is one message item (text resumed after a call
 * goes on in it), and each call is one `function_call` item, in the order
 * they began. Items close at the end of the reply, in output order.
 */
export class ResponseEventFormat {
  private sequence = 0;
  private started = false;
  private readonly items: OpenItem[] = [];
  private message?: Extract<OpenItem, { kind: 'message' }>;
  private readonly callsByIndex = new Map<
    number,
    Extract<OpenItem, { kind: 'call' }>
  >();

  constructor(private readonly format: ResponseFormat) {}

  /**
   * `response.created` then `response.in_progress` before the first event
   * of the stream, whichever it is: a stream opens only with the model's
   * first output, so that a call failing before it gets an HTTP status.
   */
  private opening(): ResponseEvent[] {
    if (this.started) return [];
    this.started = true;
    const response = this.format.response('in_progress', []);
    return [
      this.event({ type: 'response.created', response }),
      this.event({ type: 'response.in_progress', response }),
    ];
  }

  text(delta: string): ResponseEvent[] {
    const events = this.opening();
    if (!this.message) events.push(...this.openMessage());
    const message = this.message!;
    events.push(
      this.event({
        type: 'response.output_text.delta',
        item_id: message.itemId,
        output_index: message.outputIndex,
        content_index: 0,
        delta,
        logprobs: [],
      }),
    );
    return events;
  }

  toolCall(delta: LlmToolCallDelta): ResponseEvent[] {
    let open = this.callsByIndex.get(delta.index);
    const events = this.opening();
    if (!open) {
      const outputIndex = this.items.length;
      const call = {
        id: delta.id ?? '',
        name: delta.name ?? '',
        arguments: '',
      };
      const item = this.format.callItem(outputIndex, call, 'in_progress');
      open = { kind: 'call', outputIndex, itemId: item.id, call };
      this.items.push(open);
      this.callsByIndex.set(delta.index, open);
      events.push(
        this.event({
          type: 'response.output_item.added',
          output_index: outputIndex,
          item,
        }),
      );
    }
    if (delta.argumentsDelta !== '') {
      events.push(
        this.event({
          type: 'response.function_call_arguments.delta',
          item_id: open.itemId,
          output_index: open.outputIndex,
          delta: delta.argumentsDelta,
        }),
      );
    }
    return events;
  }

  /**
   * Closes every item with the folded reply's text and calls, then
   * `response.completed` (or `response.incomplete` when the reply was cut
   * short) with the usage.
   */
  finish(outcome: ReplyOutcome): {
    events: ResponseEvent[];
    response: ResponseObjectDto;
  } {
    const status = itemStatus(outcome.finishReason);
    const events = this.opening();
    if (this.items.length === 0) events.push(...this.openMessage());
    const output = this.items.map((open): OutputItemDto => {
      if (open.kind === 'message') {
        const item = this.format.messageItem(
          open.outputIndex,
          outcome.text,
          status,
        );
        const at = {
          item_id: open.itemId,
          output_index: open.outputIndex,
          content_index: 0,
        };
        events.push(
          this.event({
            type: 'response.output_text.done',
            ...at,
            text: outcome.text,
            logprobs: [],
          }),
          this.event({
            type: 'response.content_part.done',
            ...at,
            part: textPart(outcome.text),
          }),
          this.event({
            type: 'response.output_item.done',
            output_index: open.outputIndex,
            item,
          }),
        );
        return item;
      }
      const call =
        outcome.toolCalls.find((c) => c.id === open.call.id) ?? open.call;
      const item = this.format.callItem(open.outputIndex, call, status);
      events.push(
        this.event({
          type: 'response.function_call_arguments.done',
          item_id: open.itemId,
          output_index: open.outputIndex,
          name: call.name,
          arguments: call.arguments,
        }),
        this.event({
          type: 'response.output_item.done',
          output_index: open.outputIndex,
          item,
        }),
      );
      return item;
    });
    const response = this.format.finished(outcome, output);
    events.push(
      this.event({
        type:
          response.status === 'incomplete'
            ? 'response.incomplete'
            : 'response.completed',
        response,
      }),
    );
    return { events, response };
  }

  /** An `error` event, then `response.failed` with the error and the items begun so far. */
  fail(error: { code: string; message: string }): ResponseEvent[] {
    const output = this.items.map((open) =>
      open.kind === 'message'
        ? this.format.messageItem(open.outputIndex, '', 'incomplete')
        : this.format.callItem(open.outputIndex, open.call, 'incomplete'),
    );
    return [
      ...this.opening(),
      this.event({
        type: 'error',
        code: error.code,
        message: error.message,
        param: null,
      }),
      this.event({
        type: 'response.failed',
        response: this.format.failed(
          { code: responseErrorCode(error.code), message: error.message },
          output,
        ),
      }),
    ];
  }

  private openMessage(): ResponseEvent[] {
    const outputIndex = this.items.length;
    const item = this.format.messageItem(outputIndex, '', 'in_progress');
    this.message = { kind: 'message', outputIndex, itemId: item.id };
    this.items.push(this.message);
    return [
      this.event({
        type: 'response.output_item.added',
        output_index: outputIndex,
        item,
      }),
      this.event({
        type: 'response.content_part.added',
        item_id: item.id,
        output_index: outputIndex,
        content_index: 0,
        part: textPart(''),
      }),
    ];
  }

  private event(event: Unnumbered<ResponseEvent>): ResponseEvent {
    return { ...event, sequence_number: this.sequence++ } as ResponseEvent;
  }
}
