// Audio: transcribe a file, a dropped one or a microphone recording with a transcription model — at once,
// or as a job for a long recording (progress by seconds of audio, the transcript and its subtitle files);
// speak text with a speech model and play it inline. Transcripts and segments are shown as text, never HTML.
import { html, nothing } from 'lit';
import { Screen, store } from './app.js';
import { request, upload, human } from './api.js';
import { FINAL } from './jobview.js';
import { dropZone, pastedFile, copyText, clock, modelSelect } from './files.js';

const TRANSCRIPTS = ['json', 'text', 'srt', 'vtt', 'verbose_json'];
const SOUNDS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'];
const VOICES = ['alloy', 'echo', 'fable', 'onyx', 'nova', 'shimmer'];
const MAX_INPUT = 4096;

/** MediaRecorder needs getUserMedia, which browsers give only to secure pages (https, localhost). */
const canRecord = () => !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);

class Audio extends Screen {
  static properties = { hear: { state: true }, say: { state: true }, file: { state: true }, heard: { state: true },
    said: { state: true }, recorder: { state: true }, busy: { state: true }, errors: { state: true }, copied: { state: true },
    job: { state: true } };
  static watch = ['models', 'job'];

  constructor() {
    super();
    this.hear = { model: '', language: '', format: 'json', words: false, asJob: false };
    this.say = { model: '', input: '', voice: 'alloy', format: 'mp3', speed: '1' };
    this.busy = {};
    this.errors = {};
  }

  of(task) { return store.models.filter(m => m.task === task); }

  /** A transcription model on a worker only runs jobs. */
  jobsOnly(name) { const m = store.model(name); return !!m && m.engine === 'worker'; }

  storeChanged(name, detail) {
    if (name === 'job' && this.job && detail.id === this.job.id) {
      this.job = detail;
      if (detail.state === 'succeeded') this.fetchTranscript(detail);
    } else this.requestUpdate();
  }

  /** The finished job's transcript.json, shown like an answer in verbose_json. */
  async fetchTranscript(job) {
    const out = (job.outputs || []).find(o => o.name === 'transcript.json');
    if (!out || (this.heard && this.heard.job === job.id)) return;
    await this.attempt('hear', async () => {
      const res = await request(out.url, { raw: true });
      this.heard = { ...(await res.json()), job: job.id };
    });
  }

  hidden() { if (this.recorder) this.recorder.stop(); }

  set(form, name, ev) {
    const t = ev.target;
    this[form] = { ...this[form], [name]: t.type === 'checkbox' ? t.checked : t.value };
  }

  /** Runs one form's action, showing the API's message under that form. */
  async attempt(which, fn) {
    this.errors = { ...this.errors, [which]: null };
    this.busy = { ...this.busy, [which]: true };
    try { await fn(); } catch (e) { this.errors = { ...this.errors, [which]: e.message }; }
    this.busy = { ...this.busy, [which]: false };
  }

  take(file) {
    if (!file) return;
    if (this.file) URL.revokeObjectURL(this.file.url);
    this.file = { blob: file, name: file.name || 'recording', url: URL.createObjectURL(file) };
    this.heard = null;
  }

  async record() {
    if (this.recorder) { this.recorder.stop(); return; }
    await this.attempt('hear', async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const rec = new MediaRecorder(stream);
      const chunks = [];
      rec.ondataavailable = e => { if (e.data.size) chunks.push(e.data); };
      rec.onstop = () => {
        stream.getTracks().forEach(t => t.stop());
        const type = rec.mimeType || 'audio/webm';
        const ext = type.includes('ogg') ? 'ogg' : type.includes('mp4') ? 'm4a' : 'webm';
        this.take(new File(chunks, `recording.${ext}`, { type }));
        this.recorder = null;
      };
      rec.start();
      this.recorder = rec;
    });
  }

  async transcribe(ev) {
    ev.preventDefault();
    const f = this.hear;
    if (!this.file) { this.errors = { ...this.errors, hear: 'Choose, drop or record some audio first.' }; return; }
    const form = new FormData();
    form.append('file', this.file.blob, this.file.name);
    form.append('model', f.model);
    if (f.asJob || this.jobsOnly(f.model)) {
      form.append('task', 'transcribe');
      if (f.language.trim()) form.append('language', f.language.trim());
      this.heard = null;
      await this.attempt('hear', async () => {
        this.job = store.track(await (await upload('/v1/jobs', form)).json());
        if (this.job.state === 'succeeded') this.fetchTranscript(this.job); // it finished before its reply came
      });
      return;
    }
    form.append('response_format', f.format);
    if (f.language.trim()) form.append('language', f.language.trim());
    if (f.format === 'verbose_json' && f.words) form.append('timestamp_granularities[]', 'word');
    await this.attempt('hear', async () => {
      const res = await upload('/v1/audio/transcriptions', form);
      this.heard = f.format.endsWith('json') ? await res.json() : { text: await res.text() };
    });
  }

  async speak(ev) {
    ev.preventDefault();
    const f = this.say;
    const body = { model: f.model, input: f.input, response_format: f.format };
    if (String(f.speed).trim()) body.speed = Number(f.speed); // blank: the model's default
    if (f.voice.trim()) body.voice = f.voice.trim();
    await this.attempt('say', async () => {
      const res = await request('/v1/audio/speech', { method: 'POST', body, raw: true });
      const blob = await res.blob();
      if (this.said) URL.revokeObjectURL(this.said.url);
      this.said = { url: URL.createObjectURL(blob), name: `speech.${f.format}`, format: f.format, size: blob.size };
    });
  }

  async copy(text) { this.copied = (await copyText(text)) ? 'Copied.' : 'This page may not use the clipboard; select the text instead.'; }

  error(which) { return this.errors[which] ? html`<p class="error" role="alert">${this.errors[which]}</p>` : ''; }

  /** Each form keeps its model while it exists, else takes the first of its task. */
  willUpdate() {
    const first = (task, form) => {
      const ms = this.of(task);
      if (ms.length && !ms.some(m => m.name === this[form].model)) this[form] = { ...this[form], model: ms[0].name };
    };
    first('transcription', 'hear');
    first('speech', 'say');
  }

  render() {
    const hearers = this.of('transcription');
    const speakers = this.of('speech');
    return html`
      <h1>Audio</h1>
      <div class="audio" @paste=${e => this.take(pastedFile(e, 'audio/'))}>
        <section class="panel" aria-labelledby="hear-title">
          <h2 id="hear-title">Transcribe</h2>
          ${hearers.length ? this.hearForm(hearers) : html`<p>No transcription model is configured.</p>`}
        </section>
        <section class="panel" aria-labelledby="say-title">
          <h2 id="say-title">Speak</h2>
          ${speakers.length ? this.sayForm(speakers) : html`<p>No speech model is configured.</p>`}
        </section>
      </div>`;
  }

  hearForm(models) {
    const f = this.hear;
    const file = this.file;
    const mic = canRecord();
    return html`
      <form @submit=${this.transcribe} aria-label="Transcribe audio">
        ${modelSelect('hear-model', 'Transcription model', models, f.model, v => { this.hear = { ...f, model: v }; })}
        ${dropZone({ id: 'hear-file', legend: 'Audio', hint: 'Drop or paste an audio file here, choose one, or record.',
          accept: 'audio/*,video/*', choose: 'Choose audio', onFile: x => this.take(x),
          content: file && html`<p class="picked">${file.name} · ${human(file.blob.size)}</p>
            <audio controls src=${file.url} aria-label="The audio to transcribe"></audio>` })}
        <p class="actions">
          <button type="button" class="secondary" ?disabled=${!mic} aria-describedby=${mic ? nothing : 'mic-why'}
            @click=${this.record}>${this.recorder ? 'Stop recording' : 'Record'}</button>
          ${this.recorder ? html`<span class="status" role="status">Recording…</span>` : ''}
        </p>
        ${mic ? '' : html`<p id="mic-why" class="hint">Recording needs a microphone and a secure page (https, or localhost).</p>`}
        <div class="grid">
          <label>Language <input id="hear-language" .value=${f.language} placeholder="auto" maxlength="16"
            @input=${e => this.set('hear', 'language', e)}></label>
          <label>Response format <select id="hear-format" @change=${e => this.set('hear', 'format', e)}>
            ${TRANSCRIPTS.map(x => html`<option ?selected=${x === f.format}>${x}</option>`)}</select></label>
        </div>
        ${f.format === 'verbose_json' ? html`<label class="check"><input type="checkbox" .checked=${f.words}
          @change=${e => this.set('hear', 'words', e)}> Word timestamps</label>` : ''}
        <label class="check"><input type="checkbox" id="hear-job" .checked=${f.asJob || this.jobsOnly(f.model)}
          ?disabled=${this.jobsOnly(f.model)} @change=${e => this.set('hear', 'asJob', e)}> As a job (long recordings:
          progress, and the transcript with .srt and .vtt files)</label>
        <button type="submit" ?disabled=${this.busy.hear || !file}>${this.busy.hear ? 'Transcribing…' : 'Transcribe'}</button>
        ${this.error('hear')}
      </form>
      <div class="result" aria-live="polite">${this.jobState()}${this.transcript()}</div>`;
  }

  /** A transcribe job: its progress in seconds of audio, then its files. */
  jobState() {
    const j = this.job;
    if (!j) return '';
    const heard = j.stage === 'transcribe' && j.steps ? `${j.step} of ${j.steps} s of audio` : j.stage || '';
    return html`<div class="job" data-job=${j.id}>
      <p><span class="state badge ${j.state}" data-testid="transcribe-job-state">${j.state}</span>
        ${FINAL.has(j.state) ? '' : html`<span class="status" role="status" data-testid="transcribe-job-progress">
          ${j.state === 'queued' ? 'queued' : heard}</span>`}</p>
      ${FINAL.has(j.state) ? '' : html`<progress max="1" .value=${j.progress || 0} aria-label="Transcription progress"></progress>`}
      ${j.error ? html`<p class="error" role="alert">${j.error.message}</p>` : ''}
      ${(j.outputs || []).length ? html`<p class="actions">${j.outputs.map(o =>
        html`<a class="button secondary small" href=${o.url} download=${o.name}>${o.name}</a> `)}</p>` : ''}
    </div>`;
  }

  transcript() {
    const r = this.heard;
    if (!r) return '';
    return html`
      <pre class="text" data-testid="transcript">${r.text}</pre>
      <p class="actions"><button type="button" class="secondary small" @click=${() => this.copy(r.text)}>Copy text</button>
        ${this.copied ? html`<span class="hint" role="status">${this.copied}</span>` : ''}</p>
      ${(r.segments || []).length ? html`<div class="table-wrap"><table class="segments" data-testid="segments">
        <caption class="sr-only">Segments</caption>
        <thead><tr><th scope="col">Start</th><th scope="col">End</th><th scope="col">Text</th></tr></thead>
        <tbody>${r.segments.map(s => html`<tr><td>${clock(s.start)}</td><td>${clock(s.end)}</td><td>${s.text}</td></tr>`)}</tbody>
      </table></div>` : ''}
      ${(r.words || []).length ? html`<p class="words" data-testid="words">${r.words.map(w =>
        html`<span title="${clock(w.start)} – ${clock(w.end)}">${w.word}</span> `)}</p>` : ''}`;
  }

  sayForm(models) {
    const f = this.say;
    const said = this.said;
    return html`
      <form @submit=${this.speak} aria-label="Speak text">
        ${modelSelect('say-model', 'Speech model', models, f.model, v => { this.say = { ...f, model: v }; })}
        <label>Text <textarea id="say-input" rows="4" required maxlength=${MAX_INPUT} .value=${f.input}
          aria-describedby="say-count" @input=${e => this.set('say', 'input', e)}></textarea></label>
        <span id="say-count" class="hint">${f.input.length} / ${MAX_INPUT} characters</span>
        <div class="grid">
          <label>Voice <input id="say-voice" list="say-voices" .value=${f.voice} @input=${e => this.set('say', 'voice', e)}></label>
          <datalist id="say-voices">${VOICES.map(v => html`<option value=${v}></option>`)}</datalist>
          <label>Format <select id="say-format" @change=${e => this.set('say', 'format', e)}>
            ${SOUNDS.map(x => html`<option ?selected=${x === f.format}>${x}</option>`)}</select></label>
          <label>Speed <input id="say-speed" type="number" min="0.25" max="4" step="0.05" .value=${f.speed}
            @input=${e => this.set('say', 'speed', e)}></label>
        </div>
        <button type="submit" ?disabled=${this.busy.say}>${this.busy.say ? 'Speaking…' : 'Speak'}</button>
        ${this.error('say')}
      </form>
      <div class="result" aria-live="polite">${said ? html`
        ${said.format === 'pcm' ? html`<p class="hint">pcm is raw 16-bit mono at 24 kHz: a browser cannot play it; download it.</p>`
          : html`<audio controls src=${said.url} data-testid="speech" aria-label="The spoken text"></audio>`}
        <p class="actions"><a class="button secondary" href=${said.url} download=${said.name}>Download ${said.name}</a>
          <span class="hint">${human(said.size)}</span></p>` : ''}</div>`;
  }
}

customElements.define('hearth-audio', Audio);
