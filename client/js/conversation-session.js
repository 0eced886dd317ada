// @ts-check
import { isAuthenticationError } from './api-client.js';
import {
  assistantMessage,
  FINAL,
  mergeHistory,
  noticeMessage,
  userMessage,
} from './conversation-messages.js';
import { ConversationStream } from './event-stream.js';
import { friendlyError } from './friendly-errors.js';
import { StreamEndpoint } from './stream-endpoint.js';

/** How long a send waits for the stream to be live, so that the reply's first events reach this page. */
const LIVE_WAIT_MS = 8_000;

/** A failure as a sentence; a refused API key reads the same whichever request met it. */
function failureNotice(doing, error) {
  const friendly = friendlyError(error.code, error.message);
  return isAuthenticationError(error) ? friendly : `${doing} ${friendly}`;
}

/**
 * One conversation as this page knows it: its messages (from the server's
 * history, then from the event stream), the reply being generated, and the
 * stream itself. The server is the source of truth: the history is reloaded
 * on start, on `reset`, and when a reply that this page did not start
 * appears (another tab), and the stream's events are applied idempotently
 * on top of it, so that a replayed event never doubles text.
 *
 * Messages are described in conversation-messages.js. Changes are reported
 * to `onChange(session, change)` with `change.type`: `update` (one message),
 * `reset` (everything), `busy`, `connection` or `finished`.
 */
export class ConversationSession {
  constructor({ id, api, list, onChange }) {
    this.id = id;
    this.api = api;
    this.list = list;
    this.onChange = onChange;
    this.messages = [];
    this.activeMessageId = undefined;
    this.sending = false;
    this.stopRequested = false;
    this.loadFailed = false;
    /** The server lost this conversation (restart without persistence): resend what is shown. */
    this.historyLost = false;
    this.loading = undefined;
    this.loadAgain = false;
    this.heldEvents = undefined;
    this.stream = new ConversationStream({
      endpoint: new StreamEndpoint(api, id),
      lastEventId: list.get(id)?.lastEventId,
      onEvent: (type, data, eventId) => this.receive(type, data, eventId),
      onState: (state) => this.emit({ type: 'connection', state }),
      onRefused: (error) => {
        this.addNotice('error', friendlyError(error.code, error.message));
        this.emit({ type: 'reset' });
      },
    });
  }

  get busy() {
    return this.sending || this.activeMessageId !== undefined;
  }

  get connection() {
    return this.stream.state;
  }

  /** Opens the stream and loads the history; a conversation this page just made up has none to load. */
  start({ fresh = false } = {}) {
    this.stream.open();
    return fresh ? Promise.resolve() : this.load();
  }

  close() {
    this.stream.close();
  }

  /** Reloads the history from the server; events arriving meanwhile are applied after it. */
  load() {
    if (this.loading) {
      this.loadAgain = true;
      return this.loading;
    }
    this.heldEvents = [];
    this.loading = (async () => {
      do {
        this.loadAgain = false;
        const requestedAt = performance.now();
        try {
          const conversation = await this.api.getConversation(this.id);
          this.applyServer(conversation, requestedAt);
          this.loadFailed = false;
        } catch (error) {
          this.loadFailed = true;
          this.messages = this.messages.filter((m) => m.role !== 'notice');
          this.addNotice(
            'error',
            failureNotice('Could not load this conversation.', error),
          );
        }
      } while (this.loadAgain);
    })().finally(() => {
      const held = this.heldEvents;
      this.heldEvents = undefined;
      this.loading = undefined;
      for (const [type, data, eventId] of held) this.apply(type, data, eventId);
      this.emit({ type: 'reset' });
      this.emit({ type: 'busy' });
    });
    return this.loading;
  }

  /** Sends a user message; resolves `{ok}` (a failure is also shown in the conversation). */
  async send(text, model) {
    if (this.busy) return { ok: false };
    this.sending = true;
    this.stopRequested = false;
    const user = userMessage(text);
    this.messages = this.messages.filter((m) => m.role !== 'notice');
    this.messages.push(user);
    this.emit({ type: 'reset' });
    this.emit({ type: 'busy' });
    try {
      await this.stream.whenLive(LIVE_WAIT_MS);
      // Every event so far belongs to finished replies: a page reloaded while
      // this reply streams resumes from here and gets all of it.
      this.rememberPosition(this.stream.lastEventId);
      const history = this.historyLost ? this.resendableHistory(user) : [];
      const { messageId } = await this.api.send(
        this.id,
        [...history, { role: 'user', content: text }],
        model,
      );
      user.status = 'complete';
      this.historyLost = false;
      let reply = this.messages.find((m) => m.messageId === messageId);
      if (!reply) {
        reply = assistantMessage(messageId);
        this.messages.push(reply);
        this.emit({ type: 'update', message: reply });
      }
      if (!FINAL.has(reply.status)) this.activeMessageId = messageId;
      return { ok: true };
    } catch (error) {
      this.messages = this.messages.filter((m) => m !== user);
      this.addNotice('error', friendlyError(error.code, error.message));
      this.emit({ type: 'reset' });
      return { ok: false, error };
    } finally {
      this.sending = false;
      this.emit({ type: 'busy' });
      if (this.stopRequested) void this.stop();
    }
  }

  /** Asks the server to stop the reply; the stream then brings `done` with `finishReason: cancelled`. */
  async stop() {
    const messageId = this.activeMessageId;
    if (!messageId) {
      // The reply's id is not known yet: stop it as soon as the send is answered.
      this.stopRequested = this.sending;
      return;
    }
    this.stopRequested = false;
    try {
      await this.api.cancel(this.id, messageId);
    } catch (error) {
      if (error.code === 'no_active_generation') return;
      this.addNotice(
        'error',
        failureNotice('Could not stop the reply.', error),
      );
      this.emit({ type: 'reset' });
    }
  }

  receive(type, data, eventId) {
    if (type === 'ready') {
      if (!this.busy) this.rememberPosition(eventId);
      if (this.loadFailed) void this.load();
    } else if (type === 'reset') {
      void this.load();
    } else if (this.heldEvents) {
      this.heldEvents.push([type, data, eventId]);
    } else {
      this.apply(type, data, eventId);
    }
  }

  /**
   * @param {string} type
   * @param {import('./chat-events.js').ReplyEventData} data
   * @param {string} eventId
   */
  apply(type, data, eventId) {
    if (type !== 'delta' && type !== 'done' && type !== 'error') return;
    // An error about the stream itself (e.g. bus_unavailable), not a reply:
    // the server ends the stream and the page resumes where it stood.
    if (type === 'error' && !data.messageId) {
      this.addNotice('error', friendlyError(data.code, data.message));
      return;
    }
    const message = this.assistantFor(data.messageId, type === 'delta');
    const wasFinal = FINAL.has(message.status);
    if (type === 'delta') {
      // A replayed delta of a reply already complete (it is in the history).
      if (wasFinal) return;
      message.content += data.text;
      this.emit({ type: 'update', message });
      return;
    }
    if (typeof data.text === 'string') message.content = data.text;
    if (type === 'done') {
      message.status =
        data.finishReason === 'cancelled' ? 'cancelled' : 'complete';
      message.finishReason = data.finishReason;
      message.cancelReason = data.cancelReason;
      message.usage = data.usage;
      message.model = data.model;
      if (data.toolCalls) message.toolCalls = data.toolCalls;
    } else {
      message.status = 'error';
      message.error = { code: data.code, message: data.message };
    }
    if (this.activeMessageId === data.messageId)
      this.activeMessageId = undefined;
    if (!this.busy) this.rememberPosition(eventId);
    this.emit({ type: 'update', message });
    if (!wasFinal) this.emit({ type: 'finished', message });
    this.emit({ type: 'busy' });
  }

  /** The reply a stream event is about; an unknown one was started elsewhere (another tab). */
  assistantFor(messageId, streaming) {
    const known = this.messages.find((m) => m.messageId === messageId);
    if (known) return known;
    const message = assistantMessage(messageId);
    this.messages.push(message);
    if (streaming) this.activeMessageId = messageId;
    // While this page's own send is unanswered, an unknown reply is that send's.
    if (!this.sending) void this.load();
    this.emit({ type: 'busy' });
    return message;
  }

  applyServer(conversation, requestedAt) {
    const merged = mergeHistory(this.messages, conversation, requestedAt);
    this.messages = merged.messages;
    this.activeMessageId = merged.activeMessageId;
    this.historyLost = !conversation && this.messages.some((m) => m.content);
    if (this.historyLost) {
      this.addNotice(
        'info',
        'The server no longer has this conversation (it may have restarted). ' +
          'Your next message sends the history shown here again, so the model keeps the context.',
      );
    } else if (!conversation && this.list.get(this.id)) {
      this.addNotice(
        'info',
        'This conversation is no longer stored on the server. Send a message to start again.',
      );
    }
  }

  resendableHistory(pending) {
    return this.messages
      .filter(
        (m) =>
          m !== pending &&
          (m.role === 'user' || m.role === 'assistant') &&
          m.content,
      )
      .map((m) => ({ role: m.role, content: m.content }));
  }

  /** Adds a notice, once: several requests may meet the same trouble (a refused key). */
  addNotice(kind, content) {
    if (this.messages.some((m) => m.role === 'notice' && m.content === content))
      return;
    this.messages.push(noticeMessage(kind, content));
  }

  /** A safe point to resume from after a reload: no reply in the middle. */
  rememberPosition(eventId) {
    if (eventId) this.list.rememberEventId(this.id, eventId);
  }

  emit(change) {
    this.onChange(this, change);
  }
}
