// Models dashboard (admins): every model's state and memory against the budget, load and unload,
// its log live and a timeline of model events.
import { html } from 'lit';
import { Screen, store } from './app.js';
import { api, human, age } from './api.js';
import { memoryCell, devicesOf, deviceBars, eventWords } from './memory.js';

class Models extends Screen {
  static properties = { busy: { state: true }, logOf: { state: true }, lines: { state: true } };
  static watch = ['models'];

  constructor() {
    super();
    this.busy = new Set();
    this.lines = [];
  }

  shown() { store.refreshModels().catch(e => { this.error = e.message; }); }
  hidden() { clearInterval(this.logTimer); }

  async act(m, what) {
    this.busy = new Set([...this.busy, m.name]);
    await this.guard(async () => {
      await api.post(`/api/models/${encodeURIComponent(m.name)}/${what}`);
      await store.refreshModels();
    });
    this.busy = new Set([...this.busy].filter(n => n !== m.name));
  }

  /** The log has no stream of its own: read its tail every 2 s while it is open. */
  showLog(name) {
    clearInterval(this.logTimer);
    this.logOf = this.logOf === name ? null : name;
    if (!this.logOf) return;
    const read = () => api.get(`/api/models/${encodeURIComponent(name)}/logs?lines=200`)
      .then(l => { this.lines = l.lines; }).catch(e => { this.error = e.message; });
    read();
    this.logTimer = setInterval(read, 2000);
  }

  event(e) {
    const w = eventWords(e);
    return html`<li data-type=${e.type}>
      <time datetime=${e.at}>${new Date(e.at).toLocaleTimeString()}</time>
      <strong>${e.model}</strong> <span class="badge ${e.type}">${w.what}</span>${w.why ? html` <span class="sub">(${w.why})</span>` : ''}
      ${w.means ? html`<div class="sub">${w.means}</div>` : ''}
      ${e.detail ? html`<div class="sub ${w.warn ? 'warn-text' : ''}">${e.detail}</div>` : ''}</li>`;
  }

  render() {
    const loaded = store.models.filter(m => ['ready', 'busy', 'loading', 'unloading', 'sleeping'].includes(m.state));
    const asleep = store.models.filter(m => m.state === 'asleep').length;
    return html`
      <h1>Models</h1>
      <p class="summary">${loaded.length} of ${store.models.length} loaded · ${human(store.used)} used of ${human(store.budget)} budget${asleep ? ` · ${asleep} asleep` : ''}</p>
      ${deviceBars(store.devices)}
      ${this.alert()}
      <div class="table-wrap"><table class="models">
        <thead><tr><th scope="col">Model</th><th scope="col">State</th><th scope="col">Memory</th><th scope="col">Devices</th><th scope="col">In flight</th>
          <th scope="col">Queue</th><th scope="col">Last used</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${store.models.map(m => html`<tr data-model=${m.name}>
          <td><strong>${m.name}</strong>${m.pinned ? html` <span class="badge pinned" data-testid="pinned">pinned</span>` : ''}
            <div class="sub">${m.task} · ${m.engine}${m.preset ? ` (${m.preset})` : ''}</div></td>
          <td><span class="badge ${m.state}" data-testid="model-state">${m.state}</span>
            ${m.last_error ? html`<div class="sub error-text">${m.last_error.split('\n')[0]}</div>` : ''}</td>
          <td>${memoryCell(m, store.budget)}</td>
          <td data-testid="model-devices">${devicesOf(m, store.devices)}</td>
          <td>${m.in_flight}</td>
          <td>${m.queued}</td>
          <td>${m.last_used ? `${age(m.last_used)} ago` : '—'}</td>
          <td class="act">
            ${m.state === 'unloaded' || m.state === 'failed'
              ? html`<button type="button" class="small" ?disabled=${this.busy.has(m.name)} @click=${() => this.act(m, 'load')} aria-label="Load ${m.name}">Load</button>`
              : html`<button type="button" class="small secondary" ?disabled=${this.busy.has(m.name) || m.state === 'unloading'} @click=${() => this.act(m, 'unload')} aria-label="Unload ${m.name}">Unload</button>`}
            ${store.admin ? html`<button type="button" class="small secondary" ?disabled=${this.busy.has(m.name)}
              @click=${() => this.act(m, m.pinned ? 'unpin' : 'pin')} aria-label="${m.pinned ? 'Unpin' : 'Pin'} ${m.name}">${m.pinned ? 'Unpin' : 'Pin'}</button>` : ''}
            <button type="button" class="small secondary" aria-expanded=${this.logOf === m.name} @click=${() => this.showLog(m.name)}>Log</button>
          </td></tr>`)}</tbody>
      </table></div>
      ${this.logOf ? html`<section aria-label="Log of ${this.logOf}"><h2>Log: ${this.logOf}</h2>
        <pre class="log" tabindex="0">${this.lines.length ? this.lines.join('\n') : '(no lines yet)'}</pre></section>` : ''}
      <section aria-label="Model events"><h2>Events</h2>
        <ol class="timeline">${store.modelEvents.slice(0, 50).map(e => this.event(e))}</ol>
        ${store.modelEvents.length ? '' : html`<p class="hint">No model events since this page opened.</p>`}
      </section>`;
  }
}

customElements.define('hearth-models', Models);
