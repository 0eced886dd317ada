// @ts-check
import { Marked } from '../vendor/marked/marked.esm.js';
import DOMPurify from '../vendor/dompurify/purify.es.mjs';

const ESCAPES = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/**
 * Model text is untrusted. Raw HTML in it is shown as text, as chat UIs do
 * (a reply quoting `<img onerror=…>` should read as that, not as a broken
 * image), and everything marked produces is sanitised by DOMPurify before it
 * reaches the page: that is the actual security boundary, for instance for
 * `javascript:` links, which Markdown itself happily renders.
 */
const markdown = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    html(token) {
      const text = escapeHtml(token.text);
      return token.block ? `<p>${text}</p>` : text;
    },
  },
});

const purifier = DOMPurify(window);
// Model text must not borrow the page's own classes (a fake error banner, a
// hidden block); only the code language marked adds is kept, for its label.
purifier.addHook('uponSanitizeAttribute', (node, data) => {
  if (data.attrName === 'class') {
    data.keepAttr =
      node.tagName === 'CODE' && /^language-[\w+#.-]+$/.test(data.attrValue);
  }
});
purifier.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

const PURIFY_OPTIONS = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'style',
    'form',
    'input',
    'button',
    'textarea',
    'select',
    'option',
  ],
  FORBID_ATTR: ['style', 'id'],
  ALLOW_DATA_ATTR: false,
};

/** Safe HTML for a Markdown text (complete or still streaming). */
export function renderMarkdown(text) {
  // `async` is not set: parse returns a string.
  const html = /** @type {string} */ (markdown.parse(text));
  return purifier.sanitize(html, PURIFY_OPTIONS);
}
