// @ts-check
import { ApiClient } from './api-client.js';
import { Composer } from './composer.js';
import {
  ConversationList,
  isConversationId,
  newConversationId,
  titleFrom,
} from './conversation-list.js';
import { ConversationSession } from './conversation-session.js';
import { confirmDelete, setUpSettings } from './dialogs.js';
import { friendlyError } from './friendly-errors.js';
import { MessageView } from './message-view.js';
import { ModelPicker } from './model-picker.js';
import { resolveApiBase, savedApiKey } from './settings.js';
import { SidebarView } from './sidebar-view.js';

const $ = (id) => document.getElementById(id);
const narrow = window.matchMedia('(max-width: 800px)');

const CONNECTION_LABELS = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
  unauthorized: 'API key needed',
};

const openSettings = setUpSettings($('open-settings'), {
  // Read when Settings opens, after `api` below exists.
  loadUsage: () => api.usage(),
});
const api = new ApiClient(resolveApiBase(), {
  apiKey: savedApiKey().key,
  // Whichever request met a missing or refused key: the way out is Settings.
  onUnauthorized: (error) => openSettings(error),
});
const list = new ConversationList();
/** Open sessions: the one on screen, and others whose reply is still being written. */
const sessions = new Map();
let current;
/** Ids this page made up for a new chat: the server cannot know them yet. */
const madeHere = new Set();

const messageView = new MessageView({
  container: $('messages'),
  scroller: $('scroller'),
  welcome: $('welcome'),
});
const modelPicker = new ModelPicker({ select: $('model'), api, list });
const sidebar = new SidebarView({
  list: $('conversation-list'),
  empty: $('conversation-list-empty'),
  onDelete: (id, button) => void deleteConversation(id, button),
});
const composer = new Composer({
  form: $('composer'),
  input: $('input'),
  send: $('send'),
  stop: $('stop'),
  onSend: (text) => void send(text),
  onStop: () => void current?.stop(),
});

function announce(text) {
  $('announcer').textContent = text;
}

function showConnection(state) {
  $('connection').dataset.state = state;
  $('connection-text').textContent = CONNECTION_LABELS[state] ?? state;
}

function showTitle() {
  const title = list.get(current.id)?.title ?? 'New chat';
  $('chat-title').textContent = title;
  document.title = title === 'New chat' ? 'Chat' : `${title} · Chat`;
}

function renderSidebar() {
  sidebar.render(list.all(), current?.id);
  if (current) showTitle();
}

function onSessionChange(session, change) {
  // A conversation left while its reply streamed is closed once the reply ends.
  if (session !== current) {
    if (
      !session.busy &&
      (change.type === 'busy' || change.type === 'finished')
    ) {
      session.close();
      sessions.delete(session.id);
    }
    return;
  }
  if (change.type === 'update') messageView.update(change.message);
  else if (change.type === 'reset') messageView.showAll(session.messages);
  else if (change.type === 'busy') composer.setBusy(session.busy);
  else if (change.type === 'connection') showConnection(change.state);
}

function openConversation(id) {
  if (current?.id === id) return;
  const previous = current;
  current = sessions.get(id);
  if (!current) {
    current = new ConversationSession({
      id,
      api,
      list,
      onChange: onSessionChange,
    });
    sessions.set(id, current);
    void current.start({ fresh: madeHere.has(id) && !list.get(id) });
  }
  if (previous && !previous.busy) {
    previous.close();
    sessions.delete(previous.id);
  }
  messageView.showAll(current.messages);
  modelPicker.show(id);
  composer.setBusy(current.busy);
  showConnection(current.connection);
  renderSidebar();
  closeSidebar();
  // On a phone, focusing the box would pop up the keyboard over the conversation.
  if (!narrow.matches) composer.focus();
}

/** The conversation named in the address (`#<id>`), or a fresh one. */
function route() {
  const id = decodeURIComponent(window.location.hash.slice(1));
  if (isConversationId(id)) {
    openConversation(id);
    return;
  }
  history.replaceState(null, '', `#${freshConversationId()}`);
  route();
}

function freshConversationId() {
  const id = newConversationId();
  madeHere.add(id);
  return id;
}

function startNewChat() {
  window.location.hash = freshConversationId();
  announce('New chat started.');
}

async function send(text) {
  const session = current;
  list.touch(session.id, titleFrom(text));
  const model = modelPicker.value;
  if (model) list.rememberModel(session.id, model);
  const { ok } = await session.send(text, model);
  if (ok) return;
  // A first message that never reached the server leaves nothing to list.
  if (!session.messages.some((m) => m.role === 'user')) list.remove(session.id);
  if (session === current) composer.restore(text);
}

async function deleteConversation(id, button) {
  const title = list.get(id)?.title ?? 'New chat';
  if (!(await confirmDelete(title))) {
    button.focus();
    return;
  }
  try {
    await api.deleteConversation(id);
  } catch (error) {
    announce(
      `Could not delete the conversation. ${friendlyError(error.code, error.message)}`,
    );
    return;
  }
  sessions.get(id)?.close();
  sessions.delete(id);
  list.remove(id);
  announce(`Deleted “${title}”.`);
  if (current?.id === id) {
    current = undefined;
    const next = list.all()[0];
    window.location.hash = next ? next.id : freshConversationId();
  } else {
    $('new-chat').focus();
  }
}

function openSidebar() {
  document.body.classList.add('sidebar-open');
  // The conversation behind the drawer is out of reach until it closes.
  document.querySelector('main').inert = true;
  $('scrim').hidden = false;
  $('open-sidebar').setAttribute('aria-expanded', 'true');
  $('new-chat').focus();
}

function closeSidebar() {
  if (!document.body.classList.contains('sidebar-open')) return;
  document.body.classList.remove('sidebar-open');
  document.querySelector('main').inert = false;
  $('scrim').hidden = true;
  $('open-sidebar').setAttribute('aria-expanded', 'false');
  if (narrow.matches) $('open-sidebar').focus();
}

$('open-sidebar').addEventListener('click', openSidebar);
$('close-sidebar').addEventListener('click', closeSidebar);
$('scrim').addEventListener('click', closeSidebar);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') closeSidebar();
});
$('new-chat').addEventListener('click', startNewChat);
// Choosing the conversation already open changes no address: close the drawer here.
$('conversation-list').addEventListener('click', (event) => {
  if (/** @type {Element} */ (event.target).closest('a')) closeSidebar();
});
for (const suggestion of document.querySelectorAll('.suggestion')) {
  suggestion.addEventListener('click', () => {
    if (!composer.busy) void send(suggestion.textContent.trim());
  });
}
$('api-base-label').textContent = api.base;
list.subscribe(renderSidebar);
window.addEventListener('hashchange', route);
route();
void modelPicker.load();
