/**
 * Where the API lives. The page is usually served by the API itself, but it
 * may also talk to a server on another origin: a `?api=` parameter wins for
 * one visit, then the value saved in Settings, then the page's own origin.
 */
const STORAGE_KEY = 'chat.apiBase';

/** A usable base URL (http or https, no trailing slash), or undefined. */
export function normaliseApiBase(raw) {
  const text = String(raw ?? '').trim();
  if (!text) return undefined;
  let url;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

export function resolveApiBase(
  location = window.location,
  storage = window.localStorage,
) {
  const fromQuery = new URLSearchParams(location.search).get('api');
  return (
    normaliseApiBase(fromQuery) ??
    normaliseApiBase(readSaved(storage)) ??
    normaliseApiBase(location.origin) ??
    // A page opened as a file has no origin of its own: the server's default address.
    'http://127.0.0.1:8000'
  );
}

export function isApiBaseFromQuery(location = window.location) {
  return (
    normaliseApiBase(new URLSearchParams(location.search).get('api')) !==
    undefined
  );
}

export function savedApiBase(storage = window.localStorage) {
  return readSaved(storage) ?? '';
}

/** Saves the base (empty means "this page's origin"); throws on a value that is not an http(s) URL. */
export function saveApiBase(raw, storage = window.localStorage) {
  if (!String(raw ?? '').trim()) {
    storage.removeItem(STORAGE_KEY);
    return;
  }
  const base = normaliseApiBase(raw);
  if (!base)
    throw new Error(
      'Enter a full http:// or https:// address, for example http://127.0.0.1:8000',
    );
  storage.setItem(STORAGE_KEY, base);
}

function readSaved(storage) {
  try {
    return storage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}
