// The page's shell: sign-in, the shared store fed by the one event stream, the router and nav.
import { LitElement, html } from 'lit';
import { api, events, key, setKey, ApiError } from './api.js';

/** Model event type → the state /api/models reports. */
const STATE_OF = { loading: 'loading', ready: 'ready', load_failed: 'failed', unloading: 'unloading', unloaded: 'unloaded', crashed: 'failed',
  sleeping: 'sleeping', asleep: 'asleep' };

/** How far a job has come: queued and running (a job may go back to the queue), cancelling, then a final state. */
const STAGE = { cancelling: 1, succeeded: 2, failed: 2, cancelled: 2 };

/** What every screen reads: who is signed in, the models, live jobs and model events. */
export class Store extends EventTarget {
  constructor() {
    super();
    this.me = null;
    this.models = [];
    this.budget = 0;
    this.devices = [];
    this.modelEvents = [];
    this.jobs = new Map();
    this.connection = 'connecting';
    events.on((type, data) => {
      if (type === 'model') this.modelEvent(data);
      else if (type === 'job') this.job(data);
      else if (type === 'connection') { this.connection = data; this.changed('connection'); }
    });
  }

  changed(what, detail) { this.dispatchEvent(new CustomEvent(what, { detail })); this.dispatchEvent(new Event('change')); }

  get admin() { return this.me && this.me.role === 'admin'; }

  async refreshModels() {
    const [models, info] = await Promise.all([api.get('/api/models'), api.get('/info')]);
    this.models = models;
    this.budget = info.memory.budget_bytes;
    this.used = info.memory.used_bytes;
    this.devices = info.devices || [];
    this.changed('models');
  }

  model(name) { return this.models.find(m => m.name === name); }

  modelEvent(e) {
    this.modelEvents = [e, ...this.modelEvents].slice(0, 200);
    const m = this.model(e.model);
    if (m) {
      m.state = STATE_OF[e.type] || m.state;
      if (e.type === 'loading') m.loading_since = e.at;
      if (e.type === 'ready') m.loaded_at = e.at;
    }
    this.changed('models', e);
    this.refreshSoon();
  }

  /** Events carry no in-flight, queue or memory figures (busy ↔ ready has no event): read them once things settle. */
  refreshSoon() {
    if (this.refreshTimer) return; // at most one read per half second, however fast events come
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refreshModels().catch(() => {});
    }, 500);
  }

  /** A job's news, from the event stream or an action's reply; one that arrives late never moves the job back. */
  job(j) {
    const held = this.jobs.get(j.id);
    if (held && (STAGE[j.state] ?? 0) < (STAGE[held.state] ?? 0)) return;
    this.jobs.set(j.id, j);
    this.changed('job', j);
    this.refreshSoon();
  }

  /** An action's reply about a job (submitted, cancelled): the job as the store now knows it, which an event may already have moved on. */
  track(j) {
    this.job(j);
    return this.jobs.get(j.id);
  }
}

export const store = new Store();

/** Light DOM elements: the page's one stylesheet applies, and tests find elements plainly. */
export class Screen extends LitElement {
  static properties = { error: { state: true } };
  createRenderRoot() { return this; }

  /** The store events that re-render this screen while it is on the page. */
  static watch = ['change'];

  connectedCallback() {
    super.connectedCallback();
    this._subs = this.constructor.watch.map(n => {
      const fn = (e) => this.storeChanged(n, e.detail);
      store.addEventListener(n, fn);
      return () => store.removeEventListener(n, fn);
    });
    this.shown();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    (this._subs || []).forEach(u => u());
    this.hidden();
  }

  /** A store event this screen watches; by default, render again. */
  storeChanged() { this.requestUpdate(); }

  /** The screen came on the page (again): load what it shows. */
  shown() {}

  /** The screen left the page: stop timers and polls. */
  hidden() {}

  /** Runs an action, showing its error (the API's own message) in the screen's alert. */
  async guard(fn) {
    this.error = null;
    try { return await fn(); } catch (e) { if (e.name !== 'AbortError') this.error = e.message; }
  }

  alert() {
    return this.error ? html`<p class="error" role="alert">${this.error}</p>` : '';
  }
}

const SCREENS = [
  { id: 'chat', label: 'Chat', tag: 'hearth-chat', load: () => import('./chat.js') },
  { id: 'studio', label: 'Video studio', tag: 'hearth-studio', load: () => import('./studio.js') },
  { id: 'audio', label: 'Audio', tag: 'hearth-audio', tasks: ['transcription', 'speech'], load: () => import('./audio.js') },
  { id: 'ocr', label: 'OCR', tag: 'hearth-ocr', tasks: ['ocr'], load: () => import('./ocr.js') },
  { id: 'gallery', label: 'Gallery', tag: 'hearth-gallery', load: () => import('./gallery.js') },
  { id: 'jobs', label: 'Jobs', tag: 'hearth-jobs', load: () => import('./jobs.js') },
  { id: 'models', label: 'Models', tag: 'hearth-models', admin: true, load: () => import('./models.js') },
  { id: 'health', label: 'Health', tag: 'hearth-health', load: () => import('./health.js') },
];

class HearthApp extends LitElement {
  static properties = { route: { state: true }, phase: { state: true }, signInError: { state: true }, loaded: { state: true } };

  /** Light DOM; the "Loading…" placeholder of index.html goes. */
  createRenderRoot() { this.textContent = ''; return this; }

  constructor() {
    super();
    this.phase = 'starting';
    this.route = this.routeOf();
    this.loaded = new Set();
    addEventListener('hashchange', () => { this.route = this.routeOf(); this.ensure(); });
    store.addEventListener('connection', () => {
      if (store.connection === 'unauthorized') this.signOut('That key is no longer accepted.');
      this.requestUpdate();
    });
    store.addEventListener('models', () => { if (this.phase === 'ready') { this.requestUpdate(); this.ensure(); } });
  }

  connectedCallback() { super.connectedCallback(); this.start(); }

  /** After a move to another screen, focus goes to it, so keyboard and screen reader users land there. */
  updated(changed) {
    if (changed.has('route') && changed.get('route') !== undefined) {
      const main = this.querySelector('main');
      if (main) main.focus({ preventScroll: true });
    }
  }

  routeOf() { return (location.hash.replace(/^#\/?/, '') || 'chat').split('/')[0]; }

  /** What this key may see, and the screens whose task some model serves (Audio only with a transcription or speech model). */
  screens() {
    return SCREENS.filter(s => (!s.admin || store.admin) && (!s.tasks || store.models.some(m => s.tasks.includes(m.task))));
  }

  async start() {
    try {
      store.me = await api.get('/api/me');
      await store.refreshModels();
      events.start();
      this.phase = 'ready';
      this.ensure();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        this.phase = 'signin';
        if (key()) { setKey(null); this.signInError = e.message; }
      } else {
        this.phase = 'down';
        this.signInError = e.message;
      }
    }
  }

  async ensure() {
    const s = this.screens().find(x => x.id === this.route) || this.screens()[0];
    if (!this.loaded.has(s.id)) {
      await s.load();
      this.loaded = new Set([...this.loaded, s.id]);
    }
  }

  signIn(ev) {
    ev.preventDefault();
    const k = new FormData(ev.target).get('key').trim();
    if (!k) return;
    setKey(k);
    this.signInError = null;
    this.start();
  }

  signOut(why) {
    events.stop();
    setKey(null);
    store.me = null;
    this.elements = {};
    this.signInError = typeof why === 'string' ? why : null;
    this.phase = 'signin';
  }

  render() {
    if (this.phase === 'starting') return html`<p class="boot">Loading Hearth…</p>`;
    if (this.phase === 'down') {
      return html`<main><p class="error" role="alert">Hearth did not answer: ${this.signInError}</p>
        <button type="button" @click=${() => { this.phase = 'starting'; this.start(); }}>Try again</button></main>`;
    }
    if (this.phase === 'signin') return this.signInForm();
    const screens = this.screens();
    const current = screens.find(x => x.id === this.route) || screens[0];
    return html`
      <header class="top">
        <a class="brand" href="#/chat">Hearth</a>
        <nav aria-label="Screens">
          ${screens.map(s => html`<a href="#/${s.id}" aria-current=${s === current ? 'page' : 'false'}>${s.label}</a>`)}
        </nav>
        <span class="who">
          <span class="conn ${store.connection}" title="Event stream: ${store.connection}" role="status">${store.connection === 'live' ? 'live' : store.connection}</span>
          <span data-testid="whoami">${store.me.name} · ${store.me.role}</span>
          ${store.me.auth ? html`<button class="link" @click=${() => this.signOut()}>Sign out</button>` : ''}
        </span>
      </header>
      <main id="main" tabindex="-1">
        ${this.loaded.has(current.id) ? this.screen(current) : html`<p class="boot">Loading…</p>`}
      </main>`;
  }

  /** One element per screen, kept across navigation: a conversation or a form survives a visit elsewhere. */
  screen(s) {
    this.elements = this.elements || {};
    return this.elements[s.id] || (this.elements[s.id] = document.createElement(s.tag));
  }

  signInForm() {
    return html`
      <main class="signin">
        <h1>Hearth</h1>
        <form @submit=${this.signIn}>
          <label for="key">API key</label>
          <input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
          <button type="submit">Sign in</button>
          ${this.signInError ? html`<p class="error" role="alert">${this.signInError}</p>` : ''}
          <p class="hint">The key stays in this browser (localStorage) and is sent as a Bearer header.</p>
        </form>
      </main>`;
  }
}

customElements.define('hearth-app', HearthApp);
