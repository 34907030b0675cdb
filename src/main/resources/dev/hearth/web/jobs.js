// Jobs table: every job this key may see (an admin: all, with owners), live from the event stream.
import { html } from 'lit';
import { Screen, store } from './app.js';
import { api, age } from './api.js';
import { progressText, FINAL } from './jobview.js';

const STATES = ['queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled'];

class Jobs extends Screen {
  static properties = { rows: { state: true }, state: { state: true }, model: { state: true } };
  static watch = ['job'];

  constructor() {
    super();
    this.rows = null;
    this.state = '';
    this.model = '';
  }

  shown() {
    this.load();
    this.tick = setInterval(() => this.requestUpdate(), 5000); // ages
  }

  hidden() { clearInterval(this.tick); }

  storeChanged(name, j) {
    if (!this.rows) return;
    const i = this.rows.findIndex(r => r.id === j.id);
    const wanted = (!this.state || this.state.split(',').includes(j.state)) && (!this.model || j.model === this.model);
    if (i >= 0 && wanted) this.rows = this.rows.map(r => r.id === j.id ? j : r);
    else if (i >= 0) this.rows = this.rows.filter(r => r.id !== j.id);
    else if (wanted) this.rows = [j, ...this.rows];
  }

  async load() {
    const q = new URLSearchParams({ limit: '200' });
    if (this.state) q.set('state', this.state);
    if (this.model) q.set('model', this.model);
    await this.guard(async () => { this.rows = (await api.get(`/v1/jobs?${q}`)).data; });
  }

  filter(name, ev) { this[name] = ev.target.value; this.load(); }

  async cancel(j) { await this.guard(async () => store.track(await api.del(`/v1/jobs/${j.id}`))); }

  render() {
    const admin = store.admin;
    return html`
      <h1>Jobs</h1>
      <div class="filters" role="group" aria-label="Filters">
        <label>State <select @change=${e => this.filter('state', e)}>
          <option value="">all</option>
          <option value="queued,running,cancelling" ?selected=${this.state === 'queued,running,cancelling'}>unfinished</option>
          ${STATES.map(s => html`<option ?selected=${s === this.state}>${s}</option>`)}
        </select></label>
        <label>Model <select @change=${e => this.filter('model', e)}>
          <option value="">all</option>
          ${store.models.filter(m => m.task === 'video').map(m => html`<option ?selected=${m.name === this.model}>${m.name}</option>`)}
        </select></label>
      </div>
      ${this.alert()}
      ${this.rows == null ? html`<p>Loading…</p>` : html`
      <div class="table-wrap"><table class="jobs">
        <caption class="sr-only">Jobs, newest first</caption>
        <thead><tr><th scope="col">Job</th><th scope="col">State</th><th scope="col">Progress</th><th scope="col">Model</th>
          ${admin ? html`<th scope="col">Owner</th>` : ''}<th scope="col">Age</th><th scope="col">Queue</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>
          ${this.rows.map(j => html`<tr data-job=${j.id}>
            <td><code>${j.id}</code><div class="sub">${j.prompt}</div></td>
            <td><span class="badge ${j.state}">${j.state}</span></td>
            <td>${FINAL.has(j.state) ? '' : html`<progress max="1" .value=${j.progress || 0} aria-label="Progress"></progress>`}
              <div class="sub">${FINAL.has(j.state) ? '' : progressText(j)}</div></td>
            <td>${j.model}</td>
            ${admin ? html`<td>${j.owner ?? '—'}</td>` : ''}
            <td>${age(j.created_at)}</td>
            <td>${j.queue_position ?? ''}</td>
            <td>${FINAL.has(j.state) || j.state === 'cancelling' ? '' : html`<button type="button" class="danger small"
              @click=${() => this.cancel(j)} aria-label="Cancel job ${j.id}">Cancel</button>`}</td>
          </tr>`)}
        </tbody>
      </table></div>
      ${this.rows.length ? '' : html`<p class="hint">No jobs.</p>`}`}`;
  }
}

customElements.define('hearth-jobs', Jobs);
