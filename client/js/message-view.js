// @ts-check
import { friendlyError } from './friendly-errors.js';
import { highlightCodeBlocks } from './code-highlight.js';
import { renderMarkdown } from './markdown.js';

const STICKY_PX = 96;

const CANCEL_LABELS = {
  requested: 'Stopped',
  no_listeners: 'Stopped: nobody was watching',
  shutdown: 'Stopped: the server restarted',
};

const FINISH_LABELS = {
  length: 'Cut off: the reply reached its length limit',
  content_filter: 'Stopped by the content filter',
};

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Draws the messages of the conversation on screen. A streaming reply is
 * re-rendered from its whole text (Markdown needs the whole text: a code
 * fence changes everything after it), at most once per animation frame
 * however many deltas arrived in between.
 */
export class MessageView {
  constructor({ container, scroller, welcome }) {
    this.container = container;
    this.scroller = scroller;
    this.welcome = welcome;
    this.nodes = new Map();
    this.models = new Map();
    /** What each content element shows, so that an unchanged message is not parsed again. */
    this.drawn = new WeakMap();
    this.dirty = new Set();
    this.frame = 0;
    container.addEventListener('click', (event) => this.onClick(event));
  }

  showAll(messages) {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.dirty.clear();
    this.nodes.clear();
    this.models.clear();
    this.container.replaceChildren(
      ...messages.map((message) => this.build(message)),
    );
    this.welcome.hidden = messages.length > 0;
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  update(message) {
    this.dirty.add(message);
    this.frame ||= requestAnimationFrame(() => this.flush());
  }

  flush() {
    this.frame = 0;
    const stick = this.nearBottom();
    for (const message of this.dirty) {
      const node = this.nodes.get(message.key);
      if (node) this.fill(node, message);
      else this.container.append(this.build(message));
    }
    this.dirty.clear();
    this.welcome.hidden = this.container.childElementCount > 0;
    if (stick) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  nearBottom() {
    const { scrollTop, scrollHeight, clientHeight } = this.scroller;
    return scrollHeight - scrollTop - clientHeight < STICKY_PX;
  }

  build(message) {
    let node;
    if (message.role === 'notice') {
      node = element('div', `notice notice-${message.kind}`);
      node.setAttribute('role', message.kind === 'error' ? 'alert' : 'status');
      node.append(
        element('span', 'notice-icon', message.kind === 'error' ? '!' : 'i'),
        element('p', '', message.content),
      );
      node.firstChild.setAttribute('aria-hidden', 'true');
    } else if (message.role === 'tool') {
      node = element('article', 'message tool');
      const label = `Result of ${message.toolName ?? 'a tool'}`;
      node.setAttribute('aria-label', label);
      node.append(
        element('div', 'tool-label', label),
        element('pre', 'tool-result', message.content),
      );
    } else if (message.role === 'user') {
      node = element('article', 'message user');
      node.setAttribute('aria-label', 'You');
      node.append(element('div', 'bubble', message.content));
    } else {
      node = element('article', 'message assistant');
      node.setAttribute('aria-label', 'Assistant');
      const avatar = element('div', 'avatar', '◆');
      avatar.setAttribute('aria-hidden', 'true');
      const body = element('div', 'body');
      body.append(
        element('div', 'content markdown'),
        element('div', 'tool-calls'),
        element('div', 'meta'),
      );
      node.append(avatar, body);
      this.fill(node, message);
    }
    node.dataset.key = message.key;
    this.nodes.set(message.key, node);
    this.models.set(message.key, message);
    return node;
  }

  fill(node, message) {
    if (message.role !== 'assistant') return;
    const streaming = message.status === 'streaming';
    node.dataset.messageId = message.messageId;
    node.dataset.status = message.status;
    node.setAttribute('aria-busy', String(streaming));
    const content = node.querySelector('.content');
    const drawn = this.drawn.get(content);
    if (drawn?.text !== message.content || drawn.streaming !== streaming) {
      content.innerHTML = renderMarkdown(message.content);
      this.drawn.set(content, { text: message.content, streaming });
      if (!streaming) {
        decorateCodeBlocks(content);
        void highlightCodeBlocks(content);
      }
    }
    node
      .querySelector('.tool-calls')
      .replaceChildren(...(message.toolCalls ?? []).map(toolCallView));
    const quiet = message.content === '' && !message.toolCalls?.length;
    content.classList.toggle('typing', streaming && quiet);
    content.classList.toggle('cursor', streaming && message.content !== '');
    node.querySelector('.meta').replaceChildren(...this.meta(message));
  }

  meta(message) {
    const parts = [];
    if (message.status === 'error') {
      const text = message.error
        ? friendlyError(message.error.code, message.error.message)
        : 'This reply failed before it was finished.';
      const error = element('p', 'message-error', text);
      error.setAttribute('role', 'alert');
      parts.push(error);
    } else if (message.status === 'cancelled') {
      parts.push(
        element(
          'span',
          'badge badge-stopped',
          CANCEL_LABELS[message.cancelReason] ?? 'Stopped',
        ),
      );
    } else if (FINISH_LABELS[message.finishReason]) {
      parts.push(element('span', 'badge', FINISH_LABELS[message.finishReason]));
    }
    if (message.model) {
      const model = element('span', 'reply-model', message.model);
      model.title = `Answered by ${message.model}`;
      parts.push(model);
    }
    if (message.usage) {
      const { promptTokens, completionTokens, totalTokens } = message.usage;
      const usage = element('span', 'usage', `${totalTokens} tokens`);
      usage.title = `${promptTokens} prompt + ${completionTokens} completion tokens`;
      usage.setAttribute(
        'aria-label',
        `${totalTokens} tokens: ${promptTokens} prompt, ${completionTokens} completion`,
      );
      parts.push(usage);
    }
    if (message.status !== 'streaming' && message.content) {
      const copy = element('button', 'copy-message', 'Copy');
      copy.type = 'button';
      copy.dataset.action = 'copy-message';
      copy.setAttribute('aria-label', 'Copy this reply');
      parts.push(copy);
    }
    return parts;
  }

  async onClick(event) {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const text =
      button.dataset.action === 'copy-code'
        ? button.closest('.code-block').querySelector('code').textContent
        : this.models.get(button.closest('[data-key]').dataset.key)?.content;
    const label = button.textContent;
    button.textContent = (await copyText(text ?? ''))
      ? 'Copied'
      : 'Copy failed';
    button.focus();
    setTimeout(() => (button.textContent = label), 1500);
  }
}

/** A tool the reply called: its name and the arguments it passed. */
function toolCallView(call) {
  const node = element('div', 'tool-call');
  node.dataset.toolCallId = call.id;
  node.append(
    element('span', 'tool-name', call.name),
    element('code', 'tool-arguments', call.arguments),
  );
  return node;
}

/** The Clipboard API exists only on https and localhost pages; elsewhere the older copy command still works. */
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const scratch = element('textarea', 'visually-hidden');
    scratch.value = text;
    document.body.append(scratch);
    scratch.select();
    const copied = document.execCommand('copy');
    scratch.remove();
    return copied;
  }
}

/** A header with the language and a Copy button on each code block of a finished reply. */
function decorateCodeBlocks(content) {
  for (const pre of content.querySelectorAll('pre')) {
    const language =
      /language-([\w+#.-]+)/.exec(
        pre.querySelector('code')?.className ?? '',
      )?.[1] ?? 'text';
    const block = element('div', 'code-block');
    const head = element('div', 'code-head');
    const copy = element('button', 'copy-code', 'Copy');
    copy.type = 'button';
    copy.dataset.action = 'copy-code';
    copy.setAttribute('aria-label', `Copy ${language} code`);
    head.append(element('span', 'code-language', language), copy);
    pre.replaceWith(block);
    block.append(head, pre);
  }
}
