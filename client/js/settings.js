// @ts-check
/**
 * Where the API lives. The page is usually served by the API itself, but it
 * may also talk to a server on another origin: a `?api=` parameter wins for
 * one visit, then the value saved in Settings, then the page's own origin.
 *
 * The API key, when the server needs one, is only ever entered in Settings
 * and kept in this browser: in localStorage when remembered, otherwise in
 * sessionStorage (this tab, until it closes). There is deliberately no
 * address parameter for it: a key in a URL ends up in history, bookmarks,
 * shared links and server logs.
 */
const STORAGE_KEY = 'chat.apiBase';
const KEY_STORAGE_KEY = 'chat.apiKey';

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

/** The saved API key, or '' when none; `remembered` when it outlives this tab. */
export function savedApiKey(
  local = window.localStorage,
  session = window.sessionStorage,
) {
  const forThisTab = readSaved(session, KEY_STORAGE_KEY);
  if (forThisTab) return { key: forThisTab, remembered: false };
  const remembered = readSaved(local, KEY_STORAGE_KEY);
  return { key: remembered ?? '', remembered: remembered !== undefined };
}

/** The key as it will be sent ('' for none); throws on a value that cannot be one. */
export function normaliseApiKey(raw) {
  const key = String(raw ?? '').trim();
  if (/\s/.test(key)) throw new Error('An API key has no spaces in it.');
  return key;
}

/** Saves the API key in one place only, as chosen (empty removes it). */
export function saveApiKey(
  raw,
  { remember },
  local = window.localStorage,
  session = window.sessionStorage,
) {
  const key = normaliseApiKey(raw);
  local.removeItem(KEY_STORAGE_KEY);
  session.removeItem(KEY_STORAGE_KEY);
  if (key) (remember ? local : session).setItem(KEY_STORAGE_KEY, key);
}

function readSaved(storage, name = STORAGE_KEY) {
  try {
    return storage.getItem(name) || undefined;
  } catch {
    return undefined;
  }
}
