// Memory and devices as the models dashboard and health screen show them: the budget's devices
// (each GPU, or one pool) from /info, a model's measured and declared memory, its devices, and
// model events in words.
import { html } from 'lit';
import { human } from './api.js';

/** A device's name for a person: "GPU 1", or "memory" for the one pool. */
export function deviceName(d) { return d.gpu ? `GPU ${d.index}` : 'memory'; }

/** "GPU 0, 1", "memory" (the pool), or "—" when the model holds none. */
export function devicesOf(m, devices = []) {
  if (!m.devices || !m.devices.length) return '—';
  const gpu = i => { const d = devices.find(x => x.index === i); return d ? d.gpu : true; };
  if (m.devices.some(i => !gpu(i))) return 'memory';
  return `GPU ${m.devices.join(', ')}`;
}

/** Measured above declared by more than a tenth and 256 MiB: the scheduler's own rule for reporting it. */
export function overDeclared(m) {
  return m.memory_measured_bytes != null && m.memory_declared_bytes != null
    && m.memory_measured_bytes > m.memory_declared_bytes + Math.max(m.memory_declared_bytes / 10, 256 * 1024 * 1024);
}

/** One bar: a share of a whole, with words for a screen reader. */
export function bar(part, whole, on, label) {
  const share = whole ? Math.min(1, part / whole) : 0;
  return html`<div class="bar ${on ? 'on' : ''}" role="img" aria-label=${label}>
    <span style="width:${(share * 100).toFixed(1)}%"></span></div>`;
}

/** A model's memory cell: what counts against the budget, then measured and declared once measured. */
export function memoryCell(m, budget) {
  const on = ['ready', 'busy', 'loading', 'unloading', 'sleeping'].includes(m.state);
  const declared = m.memory_declared_bytes == null ? 'none' : human(m.memory_declared_bytes);
  return html`${bar(m.memory_bytes, budget, on, `${human(m.memory_bytes)} of ${human(budget)} budget`)}
    <div class="sub">${human(m.memory_bytes)} / ${human(budget)}</div>
    ${m.memory_measured_bytes == null
      ? html`<div class="sub mem" data-testid="model-memory">declared ${declared}</div>`
      : html`<div class="sub mem ${overDeclared(m) ? 'warn-text' : ''}" data-testid="model-memory"
          title=${overDeclared(m) ? 'measured well above its declared memory (a tenth and 256 MiB)' : ''}>measured ${human(m.memory_measured_bytes)} (${m.memory_measured_by}) · declared ${declared}${overDeclared(m) ? ' ⚠' : ''}</div>`}`;
}

/** One bar per device of the budget: its name, used of budget. */
export function deviceBars(devices = []) {
  if (!devices.length) return '';
  return html`<ul class="devices" aria-label="Memory by device">${devices.map(d => html`<li data-testid="device">
    <span class="dev-name">${deviceName(d)}${d.gpu && d.name ? html` <span class="sub">${d.name}</span>` : ''}</span>
    ${bar(d.used_bytes, d.budget_bytes, true, `${deviceName(d)}: ${human(d.used_bytes)} used of ${human(d.budget_bytes)}`)}
    <span class="sub">${human(d.used_bytes)} used of ${human(d.budget_bytes)}</span></li>`)}</ul>`;
}

/** Event type → words; the badge keeps the type as its style. */
const WORDS = {
  loading: 'loading', ready: 'ready', load_failed: 'failed to load', unloading: 'unloading', unloaded: 'unloaded',
  crashed: 'crashed', draining: 'draining', sleeping: 'going to sleep', asleep: 'asleep', measured: 'measured',
};
/** What a type means, for the ones that need saying. */
const MEANS = {
  draining: 'serving its last requests, taking no new ones',
  sleeping: 'its process stays, its memory is being freed',
  asleep: 'process kept, memory free; wakes for its next request',
};
const REASONS = {
  idle: 'idle too long', evicted: 'to make room', exclusive: 'another model is wanted (exclusive)',
  manual: 'by an admin', shutdown: 'Hearth is stopping',
};

export function eventWords(e) {
  const what = e.type === 'loading' && e.detail && /wak/i.test(e.detail) ? 'waking' : (WORDS[e.type] || e.type);
  const why = e.reason ? (REASONS[e.reason] || e.reason.replaceAll('_', ' ')) : '';
  const warn = e.type === 'measured' && /more than/.test(e.detail || '');
  return { what, why, means: MEANS[e.type] || '', warn };
}
