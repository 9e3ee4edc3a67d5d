// Small helpers shared by the pages: elements, the console's JSON API, polling with back-off.

/** An element: h('td', {class: 'num'}, 'text', otherNode). Attributes starting with "on" are listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Calls the console API; an answer of 400 and above throws ApiError with the server's message. */
export async function api(method, path, body, signal) {
  const response = await fetch(path, {
    method,
    signal,
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text };
    }
  }
  if (!response.ok)
    throw new ApiError(response.status, data?.message ?? `${method} ${path}: ${response.status}`);
  return data;
}

export const enc = encodeURIComponent;

/** A short message in the corner; errors stay longer. */
export function toast(message, bad = false) {
  const box = document.getElementById('toasts');
  const el = h('div', { class: bad ? 'toast bad' : 'toast' }, message);
  box.append(el);
  setTimeout(() => el.remove(), bad ? 10_000 : 4000);
}

/**
 * Runs `load(signal)` now and every `intervalMs`, doubling the wait after each failure (up to
 * 30 s) and back to the interval after a success. `stop()` (the page changing) also aborts the
 * request in flight, so no answer arrives for a page that is gone.
 */
export function poll(load, intervalMs, onError) {
  let stopped = false;
  let timer;
  let wait = intervalMs;
  let abort = new AbortController();
  const live = document.getElementById('live');
  const tick = async () => {
    if (stopped) return;
    try {
      await load(abort.signal);
      wait = intervalMs;
      live.textContent = `updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      if (stopped) return;
      wait = Math.min(wait * 2, 30_000);
      live.textContent = `update failed, next try in ${Math.round(wait / 1000)} s`;
      onError?.(error);
    }
    if (!stopped) timer = setTimeout(tick, document.hidden ? Math.max(wait, 10_000) : wait);
  };
  tick();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      abort.abort();
    },
    now() {
      clearTimeout(timer);
      tick();
    },
    resume() {
      if (!stopped) return;
      stopped = false;
      abort = new AbortController();
      tick();
    },
  };
}

export function stateBadge(state) {
  return h('span', { class: `state state-${state}` }, state);
}

export function pretty(value) {
  return JSON.stringify(value, null, 2);
}

/** A modal dialog asking to confirm; resolves true when confirmed. */
export function confirmDialog(title, text, confirmLabel) {
  return new Promise((resolve) => {
    const dialog = h(
      'dialog',
      { 'aria-labelledby': 'confirm-title' },
      h('h2', { id: 'confirm-title' }, title),
      h('p', {}, text),
      h(
        'div',
        { class: 'row' },
        h('button', { class: 'danger', onclick: () => done(true) }, confirmLabel),
        h('button', { onclick: () => done(false), autofocus: true }, 'Cancel'),
      ),
    );
    const done = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.addEventListener('cancel', () => done(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function formatTime(ms) {
  const n = Number(ms);
  return n >= 0 ? new Date(n).toISOString().replace('T', ' ').replace('Z', ' UTC') : 'no timestamp';
}
