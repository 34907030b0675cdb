// Gallery: the finished jobs this key may see, newest first; thumbnails that play on hover.
import { html } from 'lit';
import { Screen, store } from './app.js';
import { api } from './api.js';
import { jobCard, video, thumbnail, FINAL } from './jobview.js';

class Gallery extends Screen {
  static properties = { items: { state: true }, model: { state: true }, state: { state: true }, open: { state: true } };
  static watch = ['job'];

  constructor() {
    super();
    this.items = null;
    this.model = '';
    this.state = 'succeeded';
  }

  shown() { this.load(); }

  storeChanged(name, j) {
    if (FINAL.has(j.state) && this.items && !this.items.some(x => x.id === j.id)) this.load();
    if (this.open && this.open.id === j.id) this.open = j;
  }

  async load() {
    const q = new URLSearchParams({ limit: '60', state: this.state || 'succeeded,failed,cancelled' });
    if (this.model) q.set('model', this.model);
    await this.guard(async () => { this.items = (await api.get(`/v1/jobs?${q}`)).data; });
  }

  filter(name, ev) { this[name] = ev.target.value; this.load(); }

  async remove(job) {
    if (!confirm(`Delete job ${job.id} and its files?`)) return;
    await this.guard(async () => {
      await api.del(`/v1/videos/${job.id}`);
      this.open = null;
      await this.load();
    });
  }

  tile(j) {
    const v = video(j);
    const t = thumbnail(j);
    const play = e => { const el = e.currentTarget.querySelector('video'); if (el) el.play().catch(() => {}); };
    const pause = e => { const el = e.currentTarget.querySelector('video'); if (el) el.pause(); };
    return html`<li>
      <button type="button" class="tile" @click=${() => { this.open = j; }} @mouseenter=${play} @mouseleave=${pause}
          @focus=${play} @blur=${pause} aria-label="Open job ${j.id}: ${j.prompt}">
        ${v ? html`<video muted loop playsinline preload="none" poster=${t ? t.url : ''} src=${v.url}></video>`
          : html`<span class="none">${j.state}</span>`}
        <span class="caption">${j.prompt}</span>
        <span class="meta">${j.model} · ${j.state}</span>
      </button></li>`;
  }

  render() {
    const models = store.models.filter(m => m.task === 'video');
    return html`
      <h1>Gallery</h1>
      <div class="filters" role="group" aria-label="Filters">
        <label>Model <select @change=${e => this.filter('model', e)}>
          <option value="">all</option>${models.map(m => html`<option ?selected=${m.name === this.model}>${m.name}</option>`)}
        </select></label>
        <label>State <select @change=${e => this.filter('state', e)}>
          ${[['succeeded', 'succeeded'], ['failed', 'failed'], ['cancelled', 'cancelled'], ['', 'all finished']].map(([v, l]) =>
            html`<option value=${v} ?selected=${v === this.state}>${l}</option>`)}
        </select></label>
      </div>
      ${this.alert()}
      ${this.open ? html`<div class="dialog" role="dialog" aria-modal="true" aria-label="Job ${this.open.id}"
          @keydown=${e => { if (e.key === 'Escape') this.open = null; }}>
        <div class="dialog-body">
          <button type="button" class="close secondary" @click=${() => { this.open = null; }} aria-label="Close">✕</button>
          ${jobCard(this.open, { del: () => this.remove(this.open) })}
        </div></div>` : ''}
      ${this.items == null ? html`<p>Loading…</p>` : !this.items.length ? html`<p class="hint">No finished jobs yet.</p>`
        : html`<ul class="gallery">${this.items.map(j => this.tile(j))}</ul>`}`;
  }

  updated() {
    const close = this.querySelector('.dialog .close');
    if (close && !this.contains(document.activeElement?.closest?.('.dialog') ?? null)) close.focus();
  }
}

customElements.define('hearth-gallery', Gallery);
