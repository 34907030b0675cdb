// One job, as the studio and the gallery show it: state, progress, the video, its details.
import { html } from 'lit';
import { human } from './api.js';

export const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

export function video(job) { return (job.outputs || []).find(o => o.content_type.startsWith('video/')); }
export function thumbnail(job) { return (job.outputs || []).find(o => o.content_type.startsWith('image/')); }

export function progressText(job) {
  if (job.state === 'queued') return job.queue_position != null ? `queued, position ${job.queue_position}` : 'queued';
  if (job.state !== 'running') return job.state;
  const step = job.steps ? `step ${job.step}/${job.steps}` : `${Math.round(job.progress * 100)}%`;
  return `${job.stage || 'running'} · ${step}`;
}

function seconds(a, b) {
  return a && b ? `${((Date.parse(b) - Date.parse(a)) / 1000).toFixed(1)} s` : '—';
}

/** @param actions {cancel, again, del}: the buttons shown where given */
export function jobCard(job, actions = {}) {
  const v = video(job);
  const t = thumbnail(job);
  return html`
    <article class="job ${job.state}" data-job=${job.id}>
      <header>
        <span class="state badge ${job.state}" data-testid="job-state">${job.state}</span>
        <code>${job.id}</code> · ${job.model} · ${job.task}
      </header>
      ${FINAL.has(job.state) ? '' : html`
        <p class="progress-text" data-testid="job-progress" role="status">${progressText(job)}</p>
        <progress max="1" .value=${job.progress || 0} aria-label="Progress"></progress>
        ${actions.cancel ? html`<button type="button" class="danger" @click=${actions.cancel}
          ?disabled=${job.state === 'cancelling'}>Cancel</button>` : ''}`}
      ${job.error ? html`<p class="error" role="alert">${job.error.message}</p>` : ''}
      ${v ? html`<video controls preload="auto" playsinline src=${v.url} poster=${t ? t.url : ''}
        aria-label="Video of job ${job.id}"></video>
        <p class="actions"><a class="button" href=${v.url} download=${`${job.id}.mp4`}>Download</a>
        ${actions.again ? html`<button type="button" class="secondary" @click=${actions.again}>Use these settings again</button>` : ''}
        ${actions.del ? html`<button type="button" class="danger" @click=${actions.del}>Delete</button>` : ''}</p>`
        : FINAL.has(job.state) && actions.del ? html`<p class="actions"><button type="button" class="danger" @click=${actions.del}>Delete</button></p>` : ''}
      <details ?open=${FINAL.has(job.state)}>
        <summary>Details</summary>
        <dl class="facts">
          <dt>Prompt</dt><dd>${job.prompt}</dd>
          ${job.original_prompt && job.original_prompt !== job.prompt ? html`<dt>Original prompt</dt><dd>${job.original_prompt}</dd>` : ''}
          <dt>Seed</dt><dd data-testid="job-seed">${job.params && job.params.seed != null ? job.params.seed : '—'}</dd>
          <dt>Params</dt><dd><code>${JSON.stringify(job.params)}</code></dd>
          <dt>Created</dt><dd>${job.created_at ? new Date(job.created_at).toLocaleString() : '—'}</dd>
          <dt>Waited</dt><dd>${seconds(job.created_at, job.started_at)}</dd>
          <dt>Ran</dt><dd>${seconds(job.started_at, job.finished_at)}</dd>
          ${(job.outputs || []).map(o => html`<dt>${o.name}</dt><dd>${human(o.size)} · sha256 <code class="hash">${o.sha256 || '—'}</code></dd>`)}
        </dl>
      </details>
    </article>`;
}
