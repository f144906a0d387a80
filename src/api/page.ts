/**
 * GET /: a small search page with no framework. The first screen says what is indexed (from
 * GET /collections) with example questions drawn from it, and a collection picker when there are
 * several. Results are rendered with textContent only (no HTML from the index ever reaches the
 * DOM), one title per run of passages from a document, the sentence that matched highlighted; the
 * question and options live in the URL so a search can be shared; the inline script and style are
 * allowed by their hashes in a strict Content-Security-Policy.
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
#key-row[hidden], #intro[hidden], select[hidden] { display: none; }
.title.more { font-weight: 400; color: var(--muted); }
button.example { background: transparent; color: var(--accent); border-color: var(--line); padding: .2rem .55rem; margin: .15rem 0; }
`;

const SCRIPT = `
const form = document.getElementById('search');
const box = document.getElementById('q');
const mode = document.getElementById('mode');
const topK = document.getElementById('top_k');
const picker = document.getElementById('collection');
const keyRow = document.getElementById('key-row');
const keyBox = document.getElementById('key');
const status = document.getElementById('status');
const intro = document.getElementById('intro');
const list = document.getElementById('results');
keyBox.value = sessionStorage.getItem('semsearch-key') || '';

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function headers() {
  const h = { 'content-type': 'application/json' };
  if (keyBox.value) h['x-api-key'] = keyBox.value;
  return h;
}

function askForKey() {
  keyRow.hidden = false;
  status.textContent = 'This search is protected: enter the access key you were given, then search again.';
  keyBox.focus();
}

function render(data) {
  list.replaceChildren();
  intro.hidden = true;
  status.textContent = data.results.length
    ? data.results.length + (data.results.length === 1 ? ' passage' : ' passages') + ', best first'
    : data.no_answer
      ? data.no_answer.message + ' (The closest passage was too far off to show.)'
      : data.warnings ? data.warnings.join(' ') : 'No passage matched. Try other words.';
  let previous;
  for (const r of data.results) {
    const item = el('li');
    item.tabIndex = 0;
    item.setAttribute('aria-label', 'Result ' + r.rank + ': ' + r.title);
    const head = el('div', 'head');
    // One title per run of passages from the same document; the section says where in it.
    const sameDoc = previous === r.doc_id;
    previous = r.doc_id;
    const section = r.section.length ? r.section.join(' › ') : '';
    head.append(el('span', sameDoc ? 'title more' : 'title', sameDoc ? '↳ ' + (section || 'same document') : r.title + (section ? ' — ' + section : '')));
    const meta = el('span', 'meta', 'relevance ' + Math.round(r.relevance * 100) + '%');
    meta.title = 'How likely this passage answers the question (calibrated; comparable across questions)';
    head.append(meta);
    item.append(head);
    const text = el('p', 'text');
    const start = r.snippet_start, end = r.snippet_start + r.snippet.length;
    // Highlight the sentence that matched, unless it is the whole passage (nothing to point at).
    if (start === 0 && end >= r.text.trim().length) text.textContent = r.text;
    else text.append(document.createTextNode(r.text.slice(0, start)), el('mark', '', r.text.slice(start, end)), document.createTextNode(r.text.slice(end)));
    item.append(text);
    const source = el('div', 'meta source');
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

function state() {
  const p = new URLSearchParams();
  p.set('q', box.value);
  if (mode.value !== 'hybrid') p.set('mode', mode.value);
  if (topK.value !== '5') p.set('top_k', topK.value);
  if (picker.value && picker.value !== 'default') p.set('collection', picker.value);
  return '?' + p.toString();
}

async function run(q, push) {
  if (!q.trim()) return;
  status.textContent = 'Searching…';
  if (push) history.pushState(null, '', state());
  const body = { query: q, top_k: Number(topK.value), mode: mode.value };
  if (picker.value) body.collection = picker.value;
  try {
    const res = await fetch('search', { method: 'POST', headers: headers(), body: JSON.stringify(body) });
    const data = await res.json();
    if (res.status === 401) { list.replaceChildren(); askForKey(); return; }
    if (!res.ok) { list.replaceChildren(); status.textContent = data.error ? data.error.message : 'Error ' + res.status; return; }
    render(data);
  } catch (err) {
    status.textContent = 'The search service could not be reached.';
  }
}

function describe(c) {
  intro.replaceChildren();
  intro.append(el('p', '', 'Searching ' + c.documents + ' document' + (c.documents === 1 ? '' : 's') + ' (' + c.passages + ' passages)' + (c.documents === 1 ? ': ' + c.title : '') + '.'));
  if (c.examples.length) {
    const tries = el('p', 'meta', 'Topics to try: ');
    c.examples.forEach((example, i) => {
      const b = el('button', 'example', example);
      b.type = 'button';
      b.addEventListener('click', () => { box.value = example; run(example, true); });
      if (i) tries.append(document.createTextNode(' '));
      tries.append(b);
    });
    intro.append(tries);
  }
  intro.hidden = false;
}

let known = [];
async function loadCollections() {
  try {
    const res = await fetch('collections', { headers: headers() });
    if (res.status === 401) { askForKey(); return; }
    if (!res.ok) return;
    known = (await res.json()).collections;
    picker.replaceChildren(...known.map((c) => { const o = el('option', '', c.name); o.value = c.name; return o; }));
    picker.hidden = known.length < 2;
    const wanted = new URLSearchParams(location.search).get('collection');
    if (wanted && known.some((c) => c.name === wanted)) picker.value = wanted;
    const current = known.find((c) => c.name === picker.value);
    if (current && !box.value) describe(current);
  } catch (err) {
    status.textContent = 'The search service could not be reached.';
  }
}

picker.addEventListener('change', () => { const c = known.find((k) => k.name === picker.value); if (c && !list.children.length) describe(c); });
form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (keyBox.value) sessionStorage.setItem('semsearch-key', keyBox.value);
  if (!known.length) loadCollections();
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
function fromUrl() {
  const p = new URLSearchParams(location.search);
  box.value = p.get('q') || '';
  if (['hybrid', 'dense', 'lexical'].includes(p.get('mode'))) mode.value = p.get('mode');
  if ([...topK.options].some((o) => o.value === p.get('top_k'))) topK.value = p.get('top_k');
}
window.addEventListener('popstate', () => { fromUrl(); run(box.value, false); });
fromUrl();
loadCollections().then(() => { if (box.value) run(box.value, false); });
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
  <select id="collection" aria-label="Collection" hidden></select>
  <button type="submit">Search</button>
  <div id="key-row" hidden><input id="key" type="password" placeholder="API key" aria-label="API key" autocomplete="off"></div>
</form>
<div id="status" role="status" aria-live="polite"></div>
<div id="intro" hidden></div>
<ol id="results" aria-label="Results"></ol>
<p class="hint">Relevance is how likely a passage answers the question, on the same scale for every question; below 5% nothing is shown. Enter searches · / focuses the box · ↓ ↑ move through results · <a href="openapi.json">API</a> · MCP for assistants at <code>/mcp</code></p>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
