// Video studio: a video model's form (filled from its defaults, bounded by its limits), an image
// for I2V, then the job live from the event stream: queue position, step n/N, the video inline.
import { html } from 'lit';
import { Screen, store } from './app.js';
import { api } from './api.js';
import { jobCard } from './jobview.js';

const MAX_SEED = 2147483647;

class Studio extends Screen {
  static properties = { form: { state: true }, image: { state: true }, job: { state: true }, busy: { state: true } };
  static watch = ['models', 'job'];

  constructor() {
    super();
    this.form = null;
    this.image = null;
  }

  models() { return store.models.filter(m => m.task === 'video'); }

  storeChanged(name, detail) {
    if (name === 'job' && this.job && detail.id === this.job.id) this.job = detail;
    else this.requestUpdate();
  }

  shown() { if (!this.form && this.models().length) this.pick(this.models()[0].name); }

  /** A fresh form for a model: its defaults, a random seed. */
  pick(name, from = {}) {
    const m = store.model(name) || {};
    const d = { ...m.defaults, ...from };
    this.form = {
      model: name, prompt: from.prompt || '', negative_prompt: from.negative_prompt || '',
      size: d.size || '', seconds: d.seconds ?? '', fps: d.fps ?? '', steps: d.steps ?? '',
      guidance_scale: d.guidance_scale ?? '', seed: from.seed ?? '', randomSeed: from.seed == null, enhance: false,
    };
  }

  field(name, ev) {
    const t = ev.target;
    this.form = { ...this.form, [name]: t.type === 'checkbox' ? t.checked : t.value };
  }

  limits() { return (store.model(this.form.model) || {}).limits || {}; }

  async takeImage(file) {
    if (!file || !file.type.startsWith('image/')) { this.error = 'That is not an image.'; return; }
    const url = await new Promise((ok, fail) => {
      const r = new FileReader();
      r.onload = () => ok(r.result);
      r.onerror = () => fail(r.error);
      r.readAsDataURL(file);
    });
    this.image = { name: file.name || 'pasted image', url };
  }

  onPaste(e) {
    const item = [...(e.clipboardData || {}).items || []].find(i => i.type.startsWith('image/'));
    if (item) { e.preventDefault(); this.takeImage(item.getAsFile()); }
  }

  onDrop(e) {
    e.preventDefault();
    this.querySelector('.drop').classList.remove('over');
    this.takeImage(e.dataTransfer.files[0]);
  }

  async submit(ev) {
    ev.preventDefault();
    const f = this.form;
    const lim = this.limits();
    const seed = f.randomSeed || f.seed === ''
      ? Math.floor(Math.random() * (Math.min(lim.max_seed ?? MAX_SEED, MAX_SEED) - (lim.min_seed ?? 0))) + (lim.min_seed ?? 0)
      : Number(f.seed);
    const params = { seed };
    if (f.size) params.size = f.size.trim();
    for (const k of ['seconds', 'fps', 'steps', 'guidance_scale']) if (f[k] !== '' && f[k] != null) params[k] = Number(f[k]);
    const body = { model: f.model, prompt: f.prompt, params };
    if (f.negative_prompt) body.negative_prompt = f.negative_prompt;
    if (this.image) body.image = this.image.url;
    if (f.enhance) body.enhance_prompt = true;
    this.busy = true;
    await this.guard(async () => {
      this.job = store.track(await api.post('/v1/jobs', body));
      this.form = { ...this.form, seed, randomSeed: true };
    });
    this.busy = false;
  }

  async cancel() { await this.guard(async () => { this.job = store.track(await api.del(`/v1/jobs/${this.job.id}`)); }); }

  again() {
    const j = this.job;
    this.pick(j.model, { ...j.params, prompt: j.original_prompt || j.prompt, negative_prompt: j.params.negative_prompt });
    this.form = { ...this.form, seed: j.params.seed ?? '', randomSeed: false };
    this.querySelector('#studio-prompt').focus();
  }

  num(name, label, min, max, step = 1) {
    return html`<label>${label}<input type="number" name=${name} min=${min ?? ''} max=${max ?? ''} step=${step}
      .value=${String(this.form[name] ?? '')} placeholder="model default" @input=${e => this.field(name, e)}></label>`;
  }

  render() {
    const models = this.models();
    if (!models.length) return html`<h1>Video studio</h1><p>No video model is configured.</p>`;
    if (!this.form) this.pick(models[0].name);
    const f = this.form;
    const lim = this.limits();
    const m = store.model(f.model) || {};
    return html`
      <h1>Video studio</h1>
      <div class="studio" @paste=${this.onPaste}>
        <form class="panel" @submit=${this.submit} aria-label="New video">
          <label>Model <select id="studio-model" @change=${e => this.pick(e.target.value)}>
            ${models.map(x => html`<option value=${x.name} ?selected=${x.name === f.model}>${x.name} (${x.state})</option>`)}
          </select></label>
          <label>Prompt <textarea id="studio-prompt" rows="3" required .value=${f.prompt} @input=${e => this.field('prompt', e)}></textarea></label>
          <label>Negative prompt <textarea rows="2" .value=${f.negative_prompt} @input=${e => this.field('negative_prompt', e)}></textarea></label>
          ${m.prompt_enhancer ? html`<label class="check"><input type="checkbox" .checked=${f.enhance} @change=${e => this.field('enhance', e)}>
            Enhance prompt with ${m.prompt_enhancer}</label>` : ''}
          <fieldset class="drop" @dragover=${e => { e.preventDefault(); e.currentTarget.classList.add('over'); }}
              @dragleave=${e => e.currentTarget.classList.remove('over')} @drop=${this.onDrop}>
            <legend>Start image (image-to-video; optional)</legend>
            ${this.image ? html`<img class="preview" src=${this.image.url} alt="Start image: ${this.image.name}">
                <button type="button" class="secondary" @click=${() => { this.image = null; }}>Remove image</button>`
              : html`<p class="hint">Drop or paste an image here, or choose one.</p>`}
            <label class="file">Choose image <input id="studio-image" type="file" accept="image/*" @change=${e => this.takeImage(e.target.files[0])}></label>
          </fieldset>
          <div class="grid">
            <label>Size <input name="size" pattern="\\d+\\s*[xX]\\s*\\d+" placeholder="832x480" .value=${f.size}
              @input=${e => this.field('size', e)} title="width x height${lim.size_multiple ? `, multiples of ${lim.size_multiple}` : ''}${lim.max_side ? `, at most ${lim.max_side} a side` : ''}"></label>
            ${this.num('seconds', 'Seconds', 0.1, lim.max_seconds, 0.1)}
            ${this.num('fps', 'FPS', 1, lim.max_fps)}
            ${this.num('steps', 'Steps', 1, lim.max_steps)}
            ${this.num('guidance_scale', 'Guidance', 0, 30, 0.1)}
            <label>Seed <input type="number" name="seed" min=${lim.min_seed ?? 0} max=${lim.max_seed ?? MAX_SEED}
              .value=${String(f.seed)} ?disabled=${f.randomSeed} @input=${e => this.field('seed', e)}></label>
            <label class="check"><input type="checkbox" .checked=${f.randomSeed} @change=${e => this.field('randomSeed', e)}> Random seed</label>
          </div>
          <button type="submit" ?disabled=${this.busy}>Generate</button>
          ${this.alert()}
        </form>
        <section class="result" aria-label="Result" aria-live="polite">
          ${this.job ? jobCard(this.job, { cancel: () => this.cancel(), again: () => this.again() })
            : html`<p class="hint">The video shows here while it is made.</p>`}
        </section>
      </div>`;
  }
}

customElements.define('hearth-studio', Studio);
