import { ConversationStream } from './event-stream.js';
import { friendlyError } from './friendly-errors.js';

const FINAL = new Set(['complete', 'cancelled', 'error']);
/** How long a send waits for the stream to be live, so that the reply's first events reach this page. */
const LIVE_WAIT_MS = 8_000;

let lastKey = 0;
const nextKey = () => `m${++lastKey}`;

const assistantMessage = (messageId) => ({
  key: nextKey(),
  role: 'assistant',
  messageId,
  content: '',
  status: 'streaming',
});

/**
 * One conversation as this page knows it: its messages (from the server's
 * history, then from the event stream), the reply being generated, and the
 * stream itself. The server is the source of truth: the history is reloaded
 * on start, on `reset`, and when a reply that this page did not start
 * appears (another tab), and the stream's events are applied idempotently
 * on top of it, so that a replayed event never doubles text.
 *
 * Messages: `{key, role: 'user'|'assistant'|'notice', content, status,
 * messageId?, usage?, finishReason?, cancelReason?, error?, kind?}`.
 * Changes are reported to `onChange(session, change)` with `change.type`:
 * `update` (one message), `reset` (everything), `busy`, `connection`, `finished`.
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
    this.loaded = false;
    this.loadFailed = false;
    /** The server lost this conversation (restart without persistence): resend what is shown. */
    this.historyLost = false;
    this.loading = undefined;
    this.loadAgain = false;
    this.heldEvents = undefined;
    this.stream = new ConversationStream({
      url: (lastEventId) => api.eventsUrl(id, lastEventId),
      lastEventId: list.get(id)?.lastEventId,
      onEvent: (type, data, eventId) => this.receive(type, data, eventId),
      onState: (state) => this.emit({ type: 'connection', state }),
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
    if (!fresh) return this.load();
    this.loaded = true;
    return Promise.resolve();
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
        try {
          this.applyServer(await this.api.getConversation(this.id));
          this.loadFailed = false;
        } catch (error) {
          this.loadFailed = true;
          this.messages = this.messages.filter((m) => m.role !== 'notice');
          this.addNotice(
            'error',
            `Could not load this conversation. ${friendlyError(error.code, error.message)}`,
          );
        }
      } while (this.loadAgain);
    })().finally(() => {
      const held = this.heldEvents;
      this.heldEvents = undefined;
      this.loading = undefined;
      this.loaded = true;
      for (const [type, data, eventId] of held) this.apply(type, data, eventId);
      this.emit({ type: 'reset' });
      this.emit({ type: 'busy' });
    });
    return this.loading;
  }

  /** Sends a user message; resolves `{ok}` (a failure is also shown in the conversation). */
  async send(text) {
    if (this.busy) return { ok: false };
    this.sending = true;
    this.stopRequested = false;
    const user = {
      key: nextKey(),
      role: 'user',
      content: text,
      status: 'pending',
    };
    this.messages = this.messages.filter((m) => m.role !== 'notice');
    this.messages.push(user);
    this.emit({ type: 'reset' });
    this.emit({ type: 'busy' });
    try {
      await this.stream.whenLive(LIVE_WAIT_MS);
      const history = this.historyLost ? this.resendableHistory(user) : [];
      const { messageId } = await this.api.send(this.id, [
        ...history,
        { role: 'user', content: text },
      ]);
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
        `Could not stop the reply. ${friendlyError(error.code, error.message)}`,
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

  apply(type, data, eventId) {
    if (type !== 'delta' && type !== 'done' && type !== 'error') return;
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

  applyServer(conversation) {
    const local = this.messages.filter((m) => m.role !== 'notice');
    if (!conversation) {
      this.messages = local;
      if (local.some((m) => m.content)) {
        this.historyLost = true;
        this.addNotice(
          'info',
          'The server no longer has this conversation (it may have restarted). ' +
            'Your next message sends the history shown here again, so the model keeps the context.',
        );
      } else if (this.list.get(this.id)) {
        this.addNotice(
          'info',
          'This conversation is no longer stored on the server. Send a message to start again.',
        );
      }
      return;
    }
    this.historyLost = false;
    const byMessageId = new Map(
      local.filter((m) => m.messageId).map((m) => [m.messageId, m]),
    );
    const messages = conversation.turns.map((turn) => {
      const known = turn.messageId
        ? byMessageId.get(turn.messageId)
        : undefined;
      byMessageId.delete(turn.messageId);
      return {
        ...known,
        key: known?.key ?? nextKey(),
        role: turn.role,
        messageId: turn.messageId,
        content: turn.content,
        status: turn.status ?? 'complete',
      };
    });
    const active = conversation.activeMessageId;
    // Replies the snapshot does not hold yet: the one being written, and ones
    // that ended a moment ago or were never stored (an error before any text).
    for (const message of byMessageId.values()) {
      if (message.messageId === active || FINAL.has(message.status))
        messages.push(message);
    }
    if (active && !messages.some((m) => m.messageId === active))
      messages.push(assistantMessage(active));
    const activeMessage = messages.find((m) => m.messageId === active);
    this.activeMessageId =
      activeMessage && !FINAL.has(activeMessage.status) ? active : undefined;
    messages.push(...local.filter((m) => m.status === 'pending'));
    this.messages = messages;
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

  addNotice(kind, content) {
    this.messages.push({
      key: nextKey(),
      role: 'notice',
      kind,
      content,
      status: 'complete',
    });
  }

  /** A safe point to resume from after a reload: no reply in the middle. */
  rememberPosition(eventId) {
    if (eventId) this.list.rememberEventId(this.id, eventId);
  }

  emit(change) {
    this.onChange(this, change);
  }
}
