// @ts-check
import DOMPurify from '../vendor/dompurify/purify.es.mjs';

const HIGHLIGHTER = '../vendor/highlight/es/highlight.min.js';
const STYLESHEET = 'vendor/highlight/styles/github-dark.min.css';

/**
 * highlight.js escapes the code it marks up, but its output still goes
 * through DOMPurify before it reaches the page: only `<span>` with the
 * highlighter's own `hljs-…` classes is kept.
 */
const purifier = DOMPurify(window);
purifier.addHook('uponSanitizeAttribute', (node, data) => {
  if (data.attrName === 'class') {
    data.keepAttr =
      node.tagName === 'SPAN' && /^hljs-[\w-]+( [\w-]+)*$/.test(data.attrValue);
  }
});
const PURIFY_OPTIONS = { ALLOWED_TAGS: ['span'], ALLOWED_ATTR: ['class'] };

let loading;

/** The highlighter and its stylesheet, fetched the first time a reply has code. */
function highlighter() {
  loading ??= import(HIGHLIGHTER).then((module) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = STYLESHEET;
    document.head.append(link);
    return module.default;
  });
  return loading;
}

/** Colours the code blocks of a finished reply; without the highlighter they stay plain. */
export async function highlightCodeBlocks(container) {
  const blocks = [...container.querySelectorAll('pre code')];
  if (blocks.length === 0) return;
  let hljs;
  try {
    hljs = await highlighter();
  } catch {
    loading = undefined;
    return;
  }
  for (const code of blocks) {
    if (!code.isConnected || code.classList.contains('hljs')) continue;
    const language = /language-([\w+#.-]+)/.exec(code.className)?.[1];
    const source = code.textContent;
    const result =
      language && hljs.getLanguage(language)
        ? hljs.highlight(source, { language, ignoreIllegals: true })
        : hljs.highlightAuto(source);
    code.innerHTML = purifier.sanitize(result.value, PURIFY_OPTIONS);
    code.classList.add('hljs');
  }
}
