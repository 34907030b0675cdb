// Health: memory against the budget, requests per second, queue depths, and each model's time to
// first token and tokens/s over time, from /info and /metrics read every 2 s while the screen is open;
// small uPlot charts.
import { html } from 'lit';
import { Screen } from './app.js';
import { api, request, human } from './api.js';
import { deviceBars, deviceName } from './memory.js';

const COLORS = ['#d9480f', '#1c7ed6', '#2b8a3e', '#ae3ec9', '#e67700', '#0c8599', '#c2255c', '#5c940d'];

const POINTS = 150;
const EVERY = 2000;

/** uPlot ships an ES module only unminified (140 KB): the minified classic build is loaded here, on demand. */
let uplot;
function loadUplot() {
  if (!uplot) {
    uplot = new Promise((ok, fail) => {
      const css = document.createElement('link');
      css.rel = 'stylesheet';
      css.href = '/webjars/uplot/dist/uPlot.min.css';
      document.head.append(css);
      const s = document.createElement('script');
      s.src = '/webjars/uplot/dist/uPlot.iife.min.js';
      s.onload = () => ok(window.uPlot);
      s.onerror = () => fail(new Error('uPlot did not load'));
      document.head.append(s);
    });
  }
  return uplot;
}

/** The sum of a Prometheus metric's samples (every label set). */
export function total(text, name) {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === '{' || line[name.length] === ' ')) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
    }
  }
  return sum;
}

/** A Prometheus metric's samples summed per model label: {model: sum}. */
export function byModel(text, name) {
  const out = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    const m = /model="([^"]*)"/.exec(line);
    if (m) out[m[1]] = (out[m[1]] || 0) + (Number(line.slice(line.lastIndexOf(' ') + 1)) || 0);
  }
  return out;
}

class Health extends Screen {
  static properties = { last: { state: true } };

  constructor() {
    super();
    this.data = { t: [], used: [], budget: [], rps: [], queued: [], running: [], dev: {}, ttft: {}, tps: {} };
  }

  shown() {
    this.poll();
    this.timer = setInterval(() => this.poll(), EVERY);
  }

  hidden() { clearInterval(this.timer); }

  async poll() {
    await this.guard(async () => {
      const [info, metrics] = await Promise.all([api.get('/info'), request('/metrics', { raw: true }).then(r => r.text())]);
      const now = Date.now() / 1000;
      const requests = total(metrics, 'hearth_requests_total');
      const d = this.data;
      const rps = this.prev ? Math.max(0, (requests - this.prev.requests) / (now - this.prev.t)) : 0;
      const per = {
        ttftSum: byModel(metrics, 'hearth_time_to_first_token_seconds_sum'),
        ttftCount: byModel(metrics, 'hearth_time_to_first_token_seconds_count'),
        tokens: byModel(metrics, 'hearth_tokens_total'),
      };
      const before = this.prev;
      this.prev = { t: now, requests, per };
      const push = (k, v) => { d[k].push(v); if (d[k].length > POINTS) d[k].shift(); };
      push('t', now);
      push('used', info.memory.used_bytes / 2 ** 30);
      push('budget', info.memory.budget_bytes / 2 ** 30);
      push('rps', rps);
      push('queued', info.models.reduce((n, m) => n + m.queued, 0));
      push('running', info.models.reduce((n, m) => n + m.in_flight, 0));
      // each device's share of its own budget (%), so a pool and GPUs of any size share one axis
      for (const dev of info.devices || []) {
        const a = d.dev[dev.index] || (d.dev[dev.index] = d.t.slice(0, -1).map(() => null));
        a.push(dev.budget_bytes ? 100 * dev.used_bytes / dev.budget_bytes : 0);
        if (a.length > POINTS) a.shift();
      }
      // per model, over the last poll: mean time to first token (ms; none when no stream began) and tokens/s
      const models = new Set([...Object.keys(per.tokens), ...Object.keys(per.ttftCount)]);
      for (const m of models) {
        const firsts = before ? (per.ttftCount[m] || 0) - (before.per.ttftCount[m] || 0) : 0;
        const ttft = firsts > 0 ? 1000 * ((per.ttftSum[m] || 0) - (before.per.ttftSum[m] || 0)) / firsts : null;
        const tps = before ? Math.max(0, ((per.tokens[m] || 0) - (before.per.tokens[m] || 0)) / (now - before.t)) : 0;
        for (const [k, v] of [['ttft', ttft], ['tps', tps]]) {
          const a = d[k][m] || (d[k][m] = d.t.slice(0, -1).map(() => null));
          a.push(v);
          if (a.length > POINTS) a.shift();
        }
      }
      this.last = { info, rps };
      await this.draw();
    });
  }

  async draw() {
    const U = await loadUplot();
    const d = this.data;
    const width = Math.max(260, Math.min(560, (this.querySelector('.charts') || this).clientWidth - 16));
    const devs = (this.last.info.devices || []).filter(x => d.dev[x.index]);
    const specs = [
      ['mem', 'Memory (GiB)', [d.t, d.used, d.budget], [{ label: 'used', stroke: '#d9480f', fill: '#d9480f33' }, { label: 'budget', stroke: '#868e96', dash: [4, 4] }]],
      ['dev', 'Memory by device (% of its budget)', [d.t, ...devs.map(x => d.dev[x.index])],
        devs.map((x, i) => ({ label: deviceName(x), stroke: COLORS[i % COLORS.length] })), 100],
      ['rps', 'Requests/s', [d.t, d.rps], [{ label: 'req/s', stroke: '#1c7ed6' }]],
      ['queue', 'Work', [d.t, d.queued, d.running], [{ label: 'queued', stroke: '#ae3ec9' }, { label: 'in flight', stroke: '#2b8a3e' }]],
      ...['ttft', 'tps'].map(k => {
        const models = Object.keys(d[k]);
        return [k, k === 'ttft' ? 'Time to first token (ms)' : 'Tokens/s', [d.t, ...models.map(m => d[k][m])],
          models.map((m, i) => ({ label: m, stroke: COLORS[i % COLORS.length], spanGaps: true }))];
      }),
    ];
    this.charts = this.charts || {};
    for (const [id, title, series, opts, top] of specs) {
      const el = this.querySelector(`#chart-${id}`);
      if (!el || opts.length === 0) continue;
      const c = this.charts[id];
      if (c && c.root.isConnected && c.series.length === series.length) { c.setData(series); continue; }
      if (c) c.destroy();
      el.textContent = '';
      this.charts[id] = new U({
        title, width, height: 160, series: [{}, ...opts],
        // a fixed window of the last POINTS polls, so one point is not stretched over years
        scales: { x: { time: true, range: (u, min, max) => [max - POINTS * EVERY / 1000, max] },
          y: { range: (u, min, max) => [0, top || Math.max(1, max * 1.1)] } },
        axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor' }],
      }, series, el);
    }
  }

  render() {
    const l = this.last;
    return html`
      <h1>Health</h1>
      ${this.alert()}
      ${l ? html`<p class="summary" data-testid="health-summary">${human(l.info.memory.used_bytes)} used of ${human(l.info.memory.budget_bytes)} ·
        ${l.rps.toFixed(1)} requests/s · ${l.info.models.reduce((n, m) => n + m.queued, 0)} queued · Hearth ${l.info.version}</p>` : html`<p>Reading…</p>`}
      <div class="charts">
        <figure id="chart-mem" aria-label="Memory used and budget over time"></figure>
        <figure id="chart-dev" aria-label="Memory used on each device over time"></figure>
        <figure id="chart-rps" aria-label="Requests per second over time"></figure>
        <figure id="chart-queue" aria-label="Queued and in-flight work over time"></figure>
        <figure id="chart-ttft" aria-label="Each model's time to first token over time"></figure>
        <figure id="chart-tps" aria-label="Each model's tokens per second over time"></figure>
      </div>
      ${l && l.info.devices ? html`<h2>Devices</h2>${deviceBars(l.info.devices)}` : ''}
      ${l && l.info.gpus.length ? html`<h2>GPUs</h2><ul>${l.info.gpus.map(g => html`<li>${g.index}: ${g.name} — ${human(g.memory_used_bytes)} / ${human(g.memory_total_bytes)}</li>`)}</ul>` : ''}`;
  }
}

customElements.define('hearth-health', Health);
