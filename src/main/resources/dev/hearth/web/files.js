// What the audio and OCR screens share: a file drop zone (drop, or choose; the screen listens for
// paste), a pasted file, copying text.
import { html } from 'lit';

/** A fieldset that takes a dropped file, with a file input labelled `choose`; `content` replaces the hint. */
export function dropZone({ id, legend, hint, accept, choose, onFile, content }) {
  const over = (e, on) => { e.preventDefault(); e.currentTarget.classList.toggle('over', on); };
  return html`
    <fieldset class="drop" @dragover=${e => over(e, true)} @dragleave=${e => over(e, false)}
        @drop=${e => { over(e, false); onFile(e.dataTransfer.files[0]); }}>
      <legend>${legend}</legend>
      ${content || html`<p class="hint">${hint}</p>`}
      <label class="file">${choose} <input id=${id} type="file" accept=${accept} @change=${e => onFile(e.target.files[0])}></label>
    </fieldset>`;
}

/** The first file of a paste event whose type starts with `prefix` (the paste is then handled), or null. */
export function pastedFile(e, prefix) {
  const item = [...((e.clipboardData || {}).items || [])].find(i => i.kind === 'file' && i.type.startsWith(prefix));
  if (!item) return null;
  e.preventDefault();
  return item.getAsFile();
}

/** Copies text to the clipboard; false where the page may not (no clipboard on plain http off localhost). */
export async function copyText(text) {
  if (!navigator.clipboard) return false;
  try { await navigator.clipboard.writeText(text); return true; } catch { return false; }
}

/** Seconds as m:ss.ss. */
export function clock(s) {
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(2).padStart(5, '0')}`;
}

/** A screen's model picker: the models of one task, each with its state. */
export function modelSelect(id, label, models, value, onPick) {
  return html`<label>${label} <select id=${id} @change=${e => onPick(e.target.value)}>
      ${models.map(m => html`<option value=${m.name} ?selected=${m.name === value}>${m.name} (${m.state})</option>`)}
    </select></label>`;
}
