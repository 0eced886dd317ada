// @ts-check
import { showUsage } from './key-usage.js';
import {
  isApiBaseFromQuery,
  normaliseApiKey,
  saveApiBase,
  saveApiKey,
  savedApiBase,
  savedApiKey,
} from './settings.js';

/** Asks before deleting; resolves `true` to go ahead. */
export function confirmDelete(title) {
  const dialog = /** @type {HTMLDialogElement} */ (
    document.getElementById('delete-dialog')
  );
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

/** What the Settings dialog says when it opens because the server refused the key. */
const PROBLEMS = {
  missing_api_key: 'This server needs an API key. Enter it below.',
  invalid_api_key:
    'The server did not accept this API key. Check it, or enter another.',
};

/**
 * Settings: the API base URL and the API key. Saving reloads the page
 * without any `?api=` parameter, so that every connection is opened again
 * against the new base, with the new key. Returns `open(problem?)`, which
 * the page calls when the server refused the key (`problem` the ApiError).
 * `loadUsage()` gives the key's usage (`GET /v1/usage`), shown when it opens.
 *
 * @param {HTMLElement} openButton
 * @param {{ loadUsage?: () => Promise<unknown> }} [options]
 */
export function setUpSettings(openButton, { loadUsage } = {}) {
  const dialog = /** @type {HTMLDialogElement} */ (
    document.getElementById('settings-dialog')
  );
  const form = document.getElementById('settings-form');
  const baseInput = /** @type {HTMLInputElement} */ (
    document.getElementById('api-base')
  );
  const baseError = document.getElementById('api-base-error');
  const keyInput = /** @type {HTMLInputElement} */ (
    document.getElementById('api-key')
  );
  const keyError = document.getElementById('api-key-error');
  const remember = /** @type {HTMLInputElement} */ (
    document.getElementById('api-key-remember')
  );
  const problemText = document.getElementById('settings-problem');

  const showError = (field, input, text) => {
    field.textContent = text;
    field.hidden = false;
    input.focus();
  };

  const open = (problem) => {
    problemText.textContent = problem
      ? (PROBLEMS[problem.code] ?? problem.message)
      : '';
    problemText.hidden = !problem;
    // Already open: the person may be typing; only the problem is updated.
    if (dialog.open) return;
    baseInput.value = savedApiBase();
    document.getElementById('api-base-note').hidden = !isApiBaseFromQuery();
    const { key, remembered } = savedApiKey();
    keyInput.value = key;
    remember.checked = !key || remembered;
    baseError.hidden = true;
    keyError.hidden = true;
    dialog.showModal();
    (problem ? keyInput : baseInput).focus();
    if (loadUsage && !problem) {
      void showUsage(document.getElementById('key-usage'), loadUsage);
    }
  };

  openButton.addEventListener('click', () => open());
  dialog
    .querySelector('[data-close]')
    .addEventListener('click', () => dialog.close());
  form.addEventListener('submit', (event) => {
    baseError.hidden = true;
    keyError.hidden = true;
    try {
      normaliseApiKey(keyInput.value);
    } catch (problem) {
      event.preventDefault();
      showError(keyError, keyInput, problem.message);
      return;
    }
    try {
      saveApiBase(baseInput.value);
    } catch (problem) {
      event.preventDefault();
      showError(baseError, baseInput, problem.message);
      return;
    }
    saveApiKey(keyInput.value, { remember: remember.checked });
    const url = new URL(window.location.href);
    url.searchParams.delete('api');
    if (url.href === window.location.href) window.location.reload();
    else window.location.assign(url);
  });
  return open;
}
