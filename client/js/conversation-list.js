// @ts-check
const STORAGE_KEY = 'chat.conversations';
const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const TITLE_LENGTH = 48;

export const isConversationId = (value) =>
  typeof value === 'string' && ID_PATTERN.test(value);

/** 20 random base-36 characters (`crypto.randomUUID` exists only on https and localhost pages). */
export function newConversationId() {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return `c_${Array.from(bytes, (byte) => (byte % 36).toString(36)).join('')}`;
}

/** A conversation's title: the first line of its first message, shortened. */
export function titleFrom(text) {
  const line = text
    .trim()
    .split('\n')[0]
    .replace(/[*_`~]+/g, '')
    .replace(/^[#>\s-]+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > TITLE_LENGTH
    ? `${line.slice(0, TITLE_LENGTH - 1).trimEnd()}…`
    : line || 'New chat';
}

/**
 * The conversations of this browser, kept in localStorage (the server keeps
 * their content; this is only the index, like a bookmark list). Entries:
 * `{id, title, updatedAt, lastEventId?, model?}`; `lastEventId` lets a reloaded page
 * resume a reply that was streaming. Other tabs' changes arrive through the
 * `storage` event.
 */
export class ConversationList {
  constructor(storage = window.localStorage) {
    this.storage = storage;
    this.listeners = new Set();
    window.addEventListener('storage', (event) => {
      if (event.key === STORAGE_KEY || event.key === null) this.notify();
    });
  }

  /** Most recently used first. */
  all() {
    return this.read().sort((a, b) => b.updatedAt - a.updatedAt);
  }

  get(id) {
    return this.read().find((entry) => entry.id === id);
  }

  /** Adds the conversation or marks it as just used; the title is set once. */
  touch(id, title) {
    this.update(id, (entry) => ({
      title,
      ...entry,
      id,
      updatedAt: Date.now(),
    }));
  }

  rememberEventId(id, lastEventId) {
    if (this.get(id)?.lastEventId === lastEventId) return;
    this.update(
      id,
      (entry) => (entry ? { ...entry, lastEventId } : undefined),
      false,
    );
  }

  /** The model chosen for a listed conversation. */
  rememberModel(id, model) {
    this.update(id, (entry) => (entry ? { ...entry, model } : undefined));
  }

  remove(id) {
    this.write(this.read().filter((entry) => entry.id !== id));
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  update(id, change, notify = true) {
    const entries = this.read();
    const index = entries.findIndex((entry) => entry.id === id);
    const next = change(index >= 0 ? entries[index] : undefined);
    if (!next) return;
    if (index >= 0) entries[index] = next;
    else entries.push(next);
    this.write(entries, notify);
  }

  read() {
    try {
      const parsed = JSON.parse(this.storage.getItem(STORAGE_KEY) ?? '[]');
      return Array.isArray(parsed)
        ? parsed.filter((entry) => isConversationId(entry?.id))
        : [];
    } catch {
      return [];
    }
  }

  write(entries, notify = true) {
    try {
      this.storage.setItem(STORAGE_KEY, JSON.stringify(entries));
    } catch {
      // Storage full or disabled: the list is not saved, the conversations stay on the server.
    }
    if (notify) this.notify();
  }

  notify() {
    for (const listener of this.listeners) listener();
  }
}
