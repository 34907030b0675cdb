// Chat playground: a chat model, its sampling settings, tokens streamed as they come, a stop button.
import { html } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { Screen, store } from './app.js';
import { request, readSse } from './api.js';
import { renderMarkdown } from './markdown.js';

class Chat extends Screen {
  static properties = { busy: { state: true }, stats: { state: true }, note: { state: true } };
  static watch = ['models'];

  constructor() {
    super();
    this.messages = [];
    this.settings = { model: '', system: '', temperature: 0.8, top_p: 0.95, max_tokens: 256 };
    this.busy = false;
    this.stats = null;
  }

  models() { return store.models.filter(m => m.task === 'chat' || m.task === 'completion'); }

  set(field, ev) {
    const v = ev.target.value;
    this.settings = { ...this.settings, [field]: ev.target.type === 'number' ? Number(v) : v };
  }

  async send(ev) {
    ev.preventDefault();
    const input = this.querySelector('#chat-input');
    const text = input.value.trim();
    const model = this.settings.model || (this.models()[0] || {}).name;
    if (!text || !model || this.busy) return;
    input.value = '';
    this.messages.push({ role: 'user', content: text });
    const reply = { role: 'assistant', content: '', model };
    this.messages.push(reply);
    const history = this.messages.slice(0, -1).map(({ role, content }) => ({ role, content }));
    const { system, temperature, top_p, max_tokens } = this.settings;
    const body = {
      model, stream: true, stream_options: { include_usage: true }, temperature, top_p, max_tokens,
      messages: system ? [{ role: 'system', content: system }, ...history] : history,
    };
    this.controller = new AbortController();
    this.busy = true;
    this.started = Date.now();
    this.stats = { tokens: 0, first: null, prompt: null, model };
    await this.guard(async () => {
      try {
        // while the model is not ready, Hearth sends a hearth.loading note a second, then the answer
        const res = await request('/v1/chat/completions',
          { method: 'POST', body, signal: this.controller.signal, raw: true, extra: { 'Hearth-Loading': 'events' } });
        await readSse(res, (name, data) => {
          if (name === 'hearth.loading') this.note = JSON.parse(data);
          else { this.note = null; this.chunk(reply, data); }
        });
      } catch (e) {
        if (e.name === 'AbortError') { reply.stopped = true; return; }
        if (!reply.content) this.messages.pop(); // what came before a failure stays on the page
        throw e;
      }
    });
    this.busy = false;
    this.note = null;
    this.stats = { ...this.stats, done: Date.now() };
  }

  chunk(reply, data) {
    if (data === '[DONE]') return;
    const c = JSON.parse(data);
    // a stream that fails after it began ends with Hearth's error envelope as its last event
    if (c.error) throw new Error(c.error.message || 'The stream failed.');
    const delta = c.choices && c.choices[0] && c.choices[0].delta;
    if (delta && delta.content) {
      reply.content += delta.content;
      const s = this.stats;
      this.stats = { ...s, tokens: s.tokens + 1, first: s.first || Date.now(), last: Date.now() };
    }
    if (c.usage) this.stats = { ...this.stats, prompt: c.usage.prompt_tokens, tokens: c.usage.completion_tokens ?? this.stats.tokens };
    this.requestUpdate();
  }

  stop() { if (this.controller) this.controller.abort(); }

  clear() { this.messages = []; this.stats = null; this.requestUpdate(); }

  /** "loading… 12 s, about 30 s to go" from Hearth's notes until the first token; "waiting…" before the first note. */
  waiting() {
    if (!this.busy || (this.stats && this.stats.first)) return '';
    const n = this.note;
    if (!n) return html`<p class="status" role="status">waiting for ${this.stats.model}…</p>`;
    const eta = n.eta_s != null ? `, about ${n.eta_s} s to go` : '';
    return html`<p class="status" role="status">${n.model} ${n.state === 'loading' ? 'loading…' : `waiting… (${n.state})`} ${n.elapsed_s} s${eta}</p>`;
  }

  statsLine() {
    const s = this.stats;
    if (!s || !s.tokens) return '';
    const secs = ((s.last || Date.now()) - s.first) / 1000;
    const tps = secs > 0 ? (Math.max(0, s.tokens - 1) / secs).toFixed(1) : '—';
    return html`<p class="stats" data-testid="chat-stats">${s.prompt != null ? `${s.prompt} prompt tokens · ` : ''}${s.tokens} ${s.tokens === 1 ? 'token' : 'tokens'} · ${tps} tokens/s</p>`;
  }

  render() {
    const models = this.models();
    const st = this.settings;
    return html`
      <h1>Chat</h1>
      <div class="chat">
        <form class="settings panel" @submit=${e => e.preventDefault()} aria-label="Chat settings">
          <label>Model <select id="chat-model" @change=${e => this.set('model', e)}>
            ${models.map(m => html`<option value=${m.name} ?selected=${m.name === st.model}>${m.name} (${m.state})</option>`)}
          </select></label>
          <label>System prompt <textarea rows="3" .value=${st.system} @input=${e => this.set('system', e)}></textarea></label>
          <label>Temperature <input type="number" min="0" max="2" step="0.1" .value=${String(st.temperature)} @input=${e => this.set('temperature', e)}></label>
          <label>Top-p <input type="number" min="0" max="1" step="0.05" .value=${String(st.top_p)} @input=${e => this.set('top_p', e)}></label>
          <label>Max tokens <input type="number" min="1" step="1" .value=${String(st.max_tokens)} @input=${e => this.set('max_tokens', e)}></label>
          <button type="button" class="secondary" @click=${this.clear} ?disabled=${this.busy}>New conversation</button>
        </form>
        <section class="conversation" aria-label="Conversation">
          <ol class="messages" aria-live="polite">
            ${this.messages.filter(m => m.content || m.stopped || m.role === 'user').map(m => html`<li class="msg ${m.role}">
              <span class="role">${m.role === 'user' ? 'You' : m.model}</span>
              <div class="body">${m.role === 'assistant' ? unsafeHTML(renderMarkdown(m.content)) : m.content}</div>
              ${m.stopped ? html`<span class="note">stopped</span>` : ''}
            </li>`)}
          </ol>
          ${this.waiting()}${this.statsLine()}${this.alert()}
          <form class="composer" @submit=${this.send}>
            <label class="sr-only" for="chat-input">Message</label>
            <textarea id="chat-input" rows="2" placeholder=${models.length ? 'Message…' : 'No chat model is configured'}
              @keydown=${e => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); this.send(e); } }}></textarea>
            ${this.busy ? html`<button type="button" class="danger" @click=${this.stop}>Stop</button>`
              : html`<button type="submit" ?disabled=${!models.length}>Send</button>`}
          </form>
        </section>
      </div>`;
  }
}

customElements.define('hearth-chat', Chat);
