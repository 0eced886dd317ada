// A minimal client: one conversation, replies streamed token by token.
const api = location.origin;
const conversationId = `c_${crypto.randomUUID().slice(0, 8)}`;
const list = document.getElementById('messages');
const form = document.getElementById('composer');
const input = document.getElementById('input');
const replies = new Map();

function addMessage(role, text) {
  const item = document.createElement('li');
  item.className = role;
  item.textContent = text;
  list.append(item);
  return item;
}

const events = new EventSource(
  `${api}/server/events?conversationId=${conversationId}`,
);
events.addEventListener('delta', (event) => {
  const { messageId, text } = JSON.parse(event.data);
  const item = replies.get(messageId) ?? addMessage('assistant', '');
  replies.set(messageId, item);
  item.textContent += text;
});
events.addEventListener('error', (event) => {
  if (!event.data) return;
  const { messageId, message } = JSON.parse(event.data);
  const item = replies.get(messageId) ?? addMessage('assistant', '');
  item.textContent += `\n⚠ ${message}`;
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const content = input.value.trim();
  if (!content) return;
  addMessage('user', content);
  input.value = '';
  await fetch(`${api}/server/send`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      conversationId,
      messages: [{ role: 'user', content }],
    }),
  });
});
