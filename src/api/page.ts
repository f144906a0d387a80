/**
 * GET /: a small search page with no framework. Results are rendered with textContent only (no
 * HTML from the index ever reaches the DOM), the sentence that matched is highlighted, the query
 * lives in the URL (?q=) so a search can be shared, and the inline script and style are allowed
 * by their hashes in a strict Content-Security-Policy.
 */
import { createHash } from 'node:crypto';

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #5b636e; --line: #d6dae0; --accent: #0b62c4; --mark: #ffe58a; --bg: #fff; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --muted: #9aa3ad; --line: #3a414a; --accent: #6cb0ff; --mark: #6b5a12; --bg: #121417; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 48rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
h1 { font-size: 1.25rem; margin: 0 0 1rem; }
form { display: flex; flex-wrap: wrap; gap: .5rem; }
input[type=search] { flex: 1 1 16rem; min-width: 0; font: inherit; padding: .6rem .75rem; border: 1px solid var(--line); border-radius: .5rem; background: transparent; color: inherit; }
select, button, input[type=password] { font: inherit; padding: .55rem .7rem; border: 1px solid var(--line); border-radius: .5rem; background: transparent; color: inherit; }
button { background: var(--accent); border-color: var(--accent); color: #fff; cursor: pointer; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
#status { color: var(--muted); min-height: 1.5rem; margin: .75rem 0; }
ol { list-style: none; padding: 0; margin: 0; }
li { border-top: 1px solid var(--line); padding: .9rem 0; }
.head { display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: baseline; }
.title { font-weight: 600; }
.meta { color: var(--muted); font-size: .875rem; overflow-wrap: anywhere; }
.text { margin: .35rem 0 0; overflow-wrap: anywhere; }
mark { background: var(--mark); color: inherit; padding: 0 .1em; border-radius: .2em; }
a { color: var(--accent); }
.hint { color: var(--muted); font-size: .8rem; margin-top: 1.5rem; }
#key-row[hidden] { display: none; }
`;

const SCRIPT = `
const form = document.getElementById('search');
const box = document.getElementById('q');
const mode = document.getElementById('mode');
const topK = document.getElementById('top_k');
const keyRow = document.getElementById('key-row');
const keyBox = document.getElementById('key');
const status = document.getElementById('status');
const list = document.getElementById('results');
keyBox.value = sessionStorage.getItem('semsearch-key') || '';

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render(data) {
  list.replaceChildren();
  status.textContent = data.results.length
    ? data.results.length + ' passages, ' + data.mode + ' search, ' + data.took_ms + ' ms'
    : data.no_answer
      ? data.no_answer.message + ' (The closest passage was too far off to show.)'
      : 'No passage matched. Try other words.';
  for (const r of data.results) {
    const item = el('li');
    item.tabIndex = 0;
    item.setAttribute('aria-label', 'Result ' + r.rank + ': ' + r.title);
    const head = el('div', 'head');
    head.append(el('span', 'title', r.rank + '. ' + r.title + (r.section.length ? ' — ' + r.section.join(' › ') : '')));
    const meta = el('span', 'meta', 'relevance ' + Math.round(r.relevance * 100) + '%');
    meta.title = 'How likely this passage answers the question (calibrated; comparable across questions)';
    head.append(meta);
    item.append(head);
    const text = el('p', 'text');
    const start = r.snippet_start, end = r.snippet_start + r.snippet.length;
    text.append(document.createTextNode(r.text.slice(0, start)), el('mark', '', r.text.slice(start, end)), document.createTextNode(r.text.slice(end)));
    item.append(text);
    const source = el('div', 'meta');
    const where = r.source.path + (r.source.page ? ', page ' + r.source.page : '') + ', characters ' + r.source.char_start + '–' + r.source.char_end;
    if (r.source.url && /^https?:/.test(r.source.url)) {
      const link = el('a', '', r.source.url);
      link.href = r.source.url;
      link.rel = 'noopener noreferrer';
      source.append(link, document.createTextNode(' · ' + where));
    } else source.textContent = where;
    item.append(source);
    list.append(item);
  }
}

async function run(q, push) {
  if (!q.trim()) return;
  status.textContent = 'Searching…';
  if (push) history.pushState(null, '', '?q=' + encodeURIComponent(q));
  const headers = { 'content-type': 'application/json' };
  if (keyBox.value) headers['x-api-key'] = keyBox.value;
  try {
    const res = await fetch('search', { method: 'POST', headers, body: JSON.stringify({ query: q, top_k: Number(topK.value), mode: mode.value }) });
    const data = await res.json();
    if (res.status === 401) { keyRow.hidden = false; keyBox.focus(); }
    if (!res.ok) { list.replaceChildren(); status.textContent = data.error ? data.error.message : 'Error ' + res.status; return; }
    render(data);
  } catch (err) {
    status.textContent = 'The search service could not be reached.';
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (keyBox.value) sessionStorage.setItem('semsearch-key', keyBox.value);
  run(box.value, true);
});
document.addEventListener('keydown', (e) => {
  if (e.key === '/' && document.activeElement !== box && document.activeElement !== keyBox) { e.preventDefault(); box.focus(); box.select(); }
  if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && list.contains(document.activeElement) || (e.key === 'ArrowDown' && document.activeElement === box)) {
    const items = [...list.children];
    const i = items.indexOf(document.activeElement);
    const next = items[e.key === 'ArrowDown' ? i + 1 : i - 1];
    if (next) { e.preventDefault(); next.focus(); } else if (e.key === 'ArrowUp') { e.preventDefault(); box.focus(); }
  }
});
window.addEventListener('popstate', () => { box.value = new URLSearchParams(location.search).get('q') || ''; run(box.value, false); });
const initial = new URLSearchParams(location.search).get('q');
if (initial) { box.value = initial; run(initial, false); }
`;

const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

export const PAGE_CSP = `default-src 'none'; script-src ${hash(SCRIPT)}; style-src ${hash(STYLE)}; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

export const SEARCH_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Search</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Ask the documents</h1>
<form id="search" role="search">
  <label for="q" class="visually-hidden" hidden>Question</label>
  <input id="q" name="q" type="search" placeholder="Ask a question…  (press / to focus)" autocomplete="off" autofocus required maxlength="1000" aria-label="Question">
  <select id="mode" aria-label="Ranking"><option value="hybrid">hybrid</option><option value="dense">semantic</option><option value="lexical">keywords</option></select>
  <select id="top_k" aria-label="Number of passages"><option>3</option><option selected>5</option><option>10</option><option>20</option></select>
  <button type="submit">Search</button>
  <div id="key-row" hidden><input id="key" type="password" placeholder="API key" aria-label="API key" autocomplete="off"></div>
</form>
<div id="status" role="status" aria-live="polite"></div>
<ol id="results" aria-label="Results"></ol>
<p class="hint">Enter searches · / focuses the box · ↓ ↑ move through results · <a href="openapi.json">API</a> · MCP for assistants at <code>/mcp</code></p>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
