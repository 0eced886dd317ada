import { isApiBaseFromQuery, saveApiBase, savedApiBase } from './settings.js';

/** Asks before deleting; resolves `true` to go ahead. */
export function confirmDelete(title) {
  const dialog = document.getElementById('delete-dialog');
  document.getElementById('delete-text').textContent =
    `“${title}” will be removed from this list and from the server. This cannot be undone.`;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => resolve(dialog.returnValue === 'delete'),
      { once: true },
    );
  });
}

/**
 * Settings: the API base URL. Saving reloads the page without any `?api=`
 * parameter, so that every connection is opened again against the new base.
 */
export function setUpSettings(openButton) {
  const dialog = document.getElementById('settings-dialog');
  const form = document.getElementById('settings-form');
  const input = document.getElementById('api-base');
  const error = document.getElementById('api-base-error');

  openButton.addEventListener('click', () => {
    input.value = savedApiBase();
    document.getElementById('api-base-note').hidden = !isApiBaseFromQuery();
    error.hidden = true;
    dialog.showModal();
    input.focus();
  });
  dialog
    .querySelector('[data-close]')
    .addEventListener('click', () => dialog.close());
  form.addEventListener('submit', (event) => {
    try {
      saveApiBase(input.value);
    } catch (problem) {
      event.preventDefault();
      error.textContent = problem.message;
      error.hidden = false;
      input.focus();
      return;
    }
    const url = new URL(window.location.href);
    url.searchParams.delete('api');
    if (url.href === window.location.href) window.location.reload();
    else window.location.assign(url);
  });
}
