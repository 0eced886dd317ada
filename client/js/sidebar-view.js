// @ts-check
/**
 * The conversation list. Each entry is a link to `#<id>`, so that choosing
 * one is ordinary navigation (the back button works, a conversation can be
 * opened in a new tab); deleting asks the app, which confirms first.
 */
export class SidebarView {
  constructor({ list, empty, onDelete }) {
    this.list = list;
    this.empty = empty;
    list.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-delete]');
      if (button) onDelete(button.dataset.delete, button);
    });
  }

  render(entries, currentId) {
    const items = entries.map((entry) => {
      const item = document.createElement('li');
      item.className = 'conversation-item';
      const link = document.createElement('a');
      link.className = 'conversation-link';
      link.href = `#${entry.id}`;
      link.textContent = entry.title || 'New chat';
      link.title = entry.title || 'New chat';
      if (entry.id === currentId) link.setAttribute('aria-current', 'page');
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'delete-conversation';
      remove.dataset.delete = entry.id;
      remove.setAttribute(
        'aria-label',
        `Delete conversation: ${entry.title || 'New chat'}`,
      );
      remove.title = 'Delete';
      remove.append(trashIcon());
      item.append(link, remove);
      return item;
    });
    this.list.replaceChildren(...items);
    this.empty.hidden = entries.length > 0;
  }
}

const SVG = 'http://www.w3.org/2000/svg';

function trashIcon() {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute(
    'd',
    'M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3',
  );
  svg.append(path);
  return svg;
}
