// Model output is untrusted: markdown is rendered with raw HTML escaped, then the result is cut
// down to an allow-list of tags and attributes before it reaches the page. Links only http(s);
// images are not loaded (a model could point them anywhere): their alt text is shown instead.
import { Marked } from 'marked';

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

const md = new Marked({ gfm: true, breaks: true, async: false });
md.use({
  renderer: {
    html(token) { return escapeHtml(token.text ?? token.raw ?? ''); },
    image(token) { return escapeHtml(token.text || ''); },
  },
});

const TAGS = new Set(['P', 'BR', 'STRONG', 'EM', 'B', 'I', 'CODE', 'PRE', 'UL', 'OL', 'LI', 'BLOCKQUOTE', 'H1', 'H2', 'H3',
  'H4', 'H5', 'H6', 'A', 'HR', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'DEL', 'SPAN']);

function clean(node) {
  for (const child of [...node.childNodes]) {
    if (child.nodeType === Node.ELEMENT_NODE) {
      if (!TAGS.has(child.tagName)) {
        child.replaceWith(document.createTextNode(child.textContent));
        continue;
      }
      for (const a of [...child.attributes]) {
        const keep = child.tagName === 'A' && a.name === 'href' && /^(https?:|mailto:)/i.test(a.value)
          || child.tagName === 'CODE' && a.name === 'class' && /^language-[\w-]+$/.test(a.value);
        if (!keep) child.removeAttribute(a.name);
      }
      if (child.tagName === 'A') { child.setAttribute('rel', 'noopener noreferrer nofollow'); child.setAttribute('target', '_blank'); }
      clean(child);
    } else if (child.nodeType !== Node.TEXT_NODE) {
      child.remove();
    }
  }
}

/** Markdown → HTML that is safe to put in the page. */
export function renderMarkdown(text) {
  const t = document.createElement('template');
  t.innerHTML = md.parse(text || '');
  clean(t.content);
  return t.innerHTML;
}
