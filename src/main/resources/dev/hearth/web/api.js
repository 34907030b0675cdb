// The HTTP side of the page: the key, api() calls, SSE parsing and the one /api/events stream.
//
// Auth design. The key lives in localStorage and goes out as "Authorization: Bearer" on every
// fetch(). Two places cannot send a header: <video src>/<img src> of a job's output, and
// EventSource. EventSource is not used: every stream is read with fetch() and a ReadableStream
// parser, so it carries the header. For media, the page also sets a cookie holding the key with
// SameSite=Strict and Path=/v1/jobs/; the gateway accepts that cookie only for GET/HEAD of
// /v1/jobs/{id}/outputs/{name} (never for a mutation or any other read). So a video streams with
// HTTP Range straight from Hearth, and no key ever appears in a URL (nor in a log).

const KEY = 'hearth.key';
const COOKIE = 'hearth_key';

export function key() { return localStorage.getItem(KEY); }

export function setKey(k) {
  if (k) {
    localStorage.setItem(KEY, k);
    const secure = location.protocol === 'https:' ? '; Secure' : '';
    document.cookie = `${COOKIE}=${encodeURIComponent(k)}; Path=/v1/jobs/; SameSite=Strict${secure}`;
  } else {
    localStorage.removeItem(KEY);
    document.cookie = `${COOKIE}=; Path=/v1/jobs/; SameSite=Strict; Max-Age=0`;
  }
}

/** An API error: the message of Hearth's {"error":{…}} envelope, with the HTTP status. */
export class ApiError extends Error {
  constructor(status, message, code) { super(message); this.status = status; this.code = code; }
}

export function headers(extra = {}) {
  const h = { ...extra };
  const k = key();
  if (k) h.Authorization = `Bearer ${k}`;
  return h;
}

/** fetch() with the key; a non-2xx answer throws ApiError with the envelope's message. */
export async function request(path, { method = 'GET', body, signal, raw = false, extra = {} } = {}) {
  const init = { method, signal, headers: headers(body === undefined ? extra : { ...extra, 'Content-Type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(path, init);
  if (!res.ok) throw await errorOf(res);
  return raw ? res : res.json();
}

/** A multipart POST of a FormData (the browser writes its boundary): the raw Response, or ApiError. */
export async function upload(path, form, { signal } = {}) {
  const res = await fetch(path, { method: 'POST', body: form, signal, headers: headers() });
  if (!res.ok) throw await errorOf(res);
  return res;
}

export const api = {
  get: (p, o) => request(p, o),
  post: (p, body, o) => request(p, { ...o, method: 'POST', body }),
  del: (p, o) => request(p, { ...o, method: 'DELETE' }),
};

export async function errorOf(res) {
  let message = `${res.status} ${res.statusText}`;
  let code;
  try {
    const e = (await res.json()).error;
    if (e && e.message) { message = e.message + loadingWords(e.loading); code = e.code; }
  } catch { /* not the envelope: keep the status line */ }
  return new ApiError(res.status, message, code);
}

/** A 503 for a model that is not loaded says how its load goes: " (loading for 40 s, about 20 s to go)". */
export function loadingWords(l) {
  if (!l) return '';
  return ` (${l.state} for ${l.elapsed_s} s${l.eta_s != null ? `, about ${l.eta_s} s to go` : ''})`;
}

/**
 * Reads a text/event-stream body, calling onEvent(name, data) per event (name "message" when the
 * event has none). Ends when the body ends or the signal aborts.
 */
export async function readSse(res, onEvent) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let name = 'message';
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      let line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (data.length) onEvent(name, data.join('\n'));
        name = 'message';
        data = [];
      } else if (!line.startsWith(':')) {
        const c = line.indexOf(':');
        const field = c < 0 ? line : line.slice(0, c);
        let v = c < 0 ? '' : line.slice(c + 1);
        if (v.startsWith(' ')) v = v.slice(1);
        if (field === 'event') name = v;
        else if (field === 'data') data.push(v);
      }
    }
  }
}

/**
 * The one /api/events connection of the page: model and job events to every listener; it
 * reconnects by itself with a growing pause (1 s doubling to 30 s, back to 1 s once connected).
 */
export class Events {
  constructor() {
    this.listeners = new Set();
    this.state = 'connecting';
    this.controller = null;
  }

  on(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }

  emit(type, data) { for (const fn of this.listeners) fn(type, data); }

  setState(s) { this.state = s; this.emit('connection', s); }

  start() {
    this.stop();
    const controller = this.controller = new AbortController();
    let pause = 1000;
    const loop = async () => {
      while (!controller.signal.aborted) {
        try {
          const res = await fetch('/api/events', { headers: headers({ Accept: 'text/event-stream' }), signal: controller.signal });
          if (!res.ok) throw await errorOf(res);
          this.setState('live');
          pause = 1000;
          await readSse(res, (name, data) => {
            try { this.emit(name, JSON.parse(data)); } catch { /* a comment or partial line */ }
          });
        } catch (e) {
          if (controller.signal.aborted) return;
          if (e instanceof ApiError && e.status === 401) { this.setState('unauthorized'); return; }
        }
        if (controller.signal.aborted) return;
        this.setState('reconnecting');
        await new Promise(r => setTimeout(r, pause));
        pause = Math.min(pause * 2, 30000);
      }
    };
    loop();
  }

  stop() {
    if (this.controller) this.controller.abort();
    this.controller = null;
  }
}

export const events = new Events();

export function human(bytes) {
  if (bytes == null) return '—';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let n = bytes;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return `${n < 10 && i ? n.toFixed(1) : Math.round(n)} ${u[i]}`;
}

export function age(iso, now = Date.now()) {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}
