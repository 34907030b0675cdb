// OCR: an image (previewed) or a PDF chosen, dropped or pasted, read by an OCR model; the text of
// each page shown as plain text with a copy button. The engine's output is never HTML here.
import { html } from 'lit';
import { Screen, store } from './app.js';
import { upload, human } from './api.js';
import { dropZone, pastedFile, copyText, modelSelect } from './files.js';

class Ocr extends Screen {
  static properties = { model: { state: true }, image: { state: true }, pages: { state: true }, busy: { state: true },
    copied: { state: true } };
  static watch = ['models'];

  constructor() {
    super();
    this.model = '';
  }

  models() { return store.models.filter(m => m.task === 'ocr'); }

  willUpdate() {
    const ms = this.models();
    if (ms.length && !ms.some(m => m.name === this.model)) this.model = ms[0].name;
  }

  take(file) {
    if (!file) return;
    // a browser may give a PDF no type (some file managers, some drops): its name says it then
    const pdf = file.type === 'application/pdf' || (!file.type && /\.pdf$/i.test(file.name || ''));
    if (!pdf && !file.type.startsWith('image/')) { this.error = 'That is not an image or a PDF.'; return; }
    if (this.image && this.image.url) URL.revokeObjectURL(this.image.url);
    this.error = null;
    this.image = { blob: file, name: file.name || (pdf ? 'pasted PDF' : 'pasted image'), pdf,
      url: pdf ? null : URL.createObjectURL(file) };
    this.pages = null;
  }

  async read(ev) {
    ev.preventDefault();
    if (!this.image) return;
    const form = new FormData();
    form.append('file', this.image.blob, this.image.name);
    form.append('model', this.model);
    this.busy = true;
    this.copied = null;
    await this.guard(async () => {
      this.pages = (await (await upload('/v1/ocr', form)).json()).pages || [];
    });
    this.busy = false;
  }

  async copy(i, text) {
    this.copied = { i, words: (await copyText(text)) ? 'Copied.' : 'This page may not use the clipboard; select the text instead.' };
  }

  render() {
    const models = this.models();
    if (!models.length) return html`<h1>OCR</h1><p>No OCR model is configured.</p>`;
    const img = this.image;
    return html`
      <h1>OCR</h1>
      <div class="studio" @paste=${e => this.take(pastedFile(e, 'image/') || pastedFile(e, 'application/pdf'))}>
        <form class="panel" @submit=${this.read} aria-label="Read an image or a PDF">
          ${modelSelect('ocr-model', 'OCR model', models, this.model, v => { this.model = v; })}
          ${dropZone({ id: 'ocr-file', legend: 'Image or PDF', hint: 'Drop or paste an image or a PDF here, or choose one.',
            accept: 'image/*,application/pdf,.pdf', choose: 'Choose file', onFile: f => this.take(f),
            content: img && html`${img.pdf ? '' : html`<img class="preview" src=${img.url} alt="The image to read: ${img.name}">`}
              <p class="picked">${img.name} · ${img.pdf ? 'PDF · ' : ''}${human(img.blob.size)}</p>` })}
          <button type="submit" ?disabled=${this.busy || !img}>${this.busy ? 'Reading…' : 'Read text'}</button>
          ${this.alert()}
        </form>
        <section class="result" aria-label="Text" aria-live="polite">${this.result()}</section>
      </div>`;
  }

  result() {
    if (!this.pages) return html`<p class="hint">The text of each page shows here.</p>`;
    if (!this.pages.length) return html`<p>No text was found.</p>`;
    return this.pages.map((p, i) => html`
      <article class="panel page" data-testid="ocr-page">
        <header class="actions"><h2>Page ${(p.index ?? i) + 1}</h2>
          <button type="button" class="secondary small" aria-label="Copy the text of page ${(p.index ?? i) + 1}"
            @click=${() => this.copy(i, p.text)}>Copy</button>
          ${this.copied && this.copied.i === i ? html`<span class="hint" role="status">${this.copied.words}</span>` : ''}</header>
        ${p.text ? html`<pre class="text">${p.text}</pre>` : html`<p class="hint">No text on this page.</p>`}
      </article>`);
  }
}

customElements.define('hearth-ocr', Ocr);
