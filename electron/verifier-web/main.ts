// VERIFY.html: the page a recipient opens from an evidence set to check it with only a browser.
// Plain DOM; no network (the page's CSP forbids it); every file is read here, in slices.

import { formatBytes, LANGS, pickLang, t, tm, type Lang } from './i18n.ts';
import type { MsgKey } from './messages.ts';
import type { CheckLine } from './report.ts';
import { verdictOf } from './verdict.ts';
import { verifyBag, type BagFile, type VerifyReport } from './verify.ts';

const MAX_PROBLEMS_SHOWN = 50;
const MARK: Record<CheckLine['status'], string> = { ok: '✓', fail: '✗', warn: '⚠', info: 'ℹ' };

interface State {
  lang: Lang;
  running: boolean;
  progress: { file: string; done: number; total: number } | null;
  report: VerifyReport | null;
  error: string | null;
  empty: boolean;
  expected: string;
}

const state: State = { lang: pickLang(navigator.languages ?? [navigator.language]), running: false, progress: null, report: null, error: null, empty: false, expected: '' };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

const tx = (key: MsgKey, params?: Record<string, string | number>) => t(state.lang, key, params);

/** A File as the checks read it. */
function bagFile(path: string, file: File): BagFile {
  return { path, size: file.size, read: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()) };
}

/** Files of a folder chosen with <input webkitdirectory>: paths without the chosen folder's own name. */
function filesFromInput(list: FileList): BagFile[] {
  return Array.from(list).map((f) => bagFile((f.webkitRelativePath || f.name).split('/').slice(1).join('/') || f.name, f));
}

function readAllEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const out: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    // readEntries returns at most ~100 entries per call; call until it returns none.
    const more = () => reader.readEntries((batch) => {
      if (batch.length === 0) resolve(out);
      else {
        out.push(...batch);
        more();
      }
    }, reject);
    more();
  });
}

async function walkEntry(entry: FileSystemEntry, out: BagFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push(bagFile(entry.fullPath.replace(/^\/+/u, ''), file));
  } else if (entry.isDirectory) {
    for (const e of await readAllEntries(entry as FileSystemDirectoryEntry)) await walkEntry(e, out);
  }
}

/** Files of a drop: one folder dropped gives paths inside it; a drop of the bag's contents, paths as they are. */
async function filesFromDrop(dt: DataTransfer): Promise<BagFile[]> {
  const entries = Array.from(dt.items).map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const out: BagFile[] = [];
  for (const e of entries) await walkEntry(e, out);
  const single = entries.length === 1 && entries[0]?.isDirectory;
  return single ? out.map((f) => ({ ...f, path: f.path.split('/').slice(1).join('/') })) : out;
}

async function run(files: BagFile[]): Promise<void> {
  if (state.running) return;
  Object.assign(state, { report: null, error: null, empty: files.length === 0, progress: null });
  if (files.length === 0) return render();
  state.running = true;
  render();
  let last = 0;
  try {
    state.report = await verifyBag(files, {
      onProgress: (p) => {
        state.progress = { file: p.file, done: p.doneBytes, total: p.totalBytes };
        const now = performance.now();
        if (now - last > 100) {
          last = now;
          renderProgress();
        }
      },
    });
  } catch (e) {
    state.error = (e as Error).message;
  } finally {
    state.running = false;
    render();
  }
}

function renderProgress(): void {
  const box = document.getElementById('progress');
  if (!box) return;
  const p = state.progress;
  const bar = box.querySelector('progress');
  const text = box.querySelector('.progress-text');
  if (!bar || !text) return;
  if (!p) {
    text.textContent = tx('ui.preparing');
    return;
  }
  bar.max = Math.max(p.total, 1);
  bar.value = p.done;
  text.textContent = `${tx('ui.progress', { done: formatBytes(p.done, state.lang), total: formatBytes(p.total, state.lang) })}${p.file ? ' — ' + tx('ui.reading', { file: p.file }) : ''}`;
}

function renderSigner(r: VerifyReport): HTMLElement {
  const box = el('section', { id: 'signer', 'aria-labelledby': 'signer-title' }, el('h2', { id: 'signer-title' }, tx('ui.signerTitle')));
  if (!r.signer) box.append(el('p', { class: 'unsigned' }, tx('ui.unsignedNote')));
  else box.append(
    el('div', { class: 'fp-label' }, tx('ui.fingerprint')),
    el('div', { class: 'fingerprint', 'data-testid': 'fingerprint' }, r.signer.fingerprint),
  );
  if (r.signer?.identity) box.append(el('div', { class: 'identity' }, `${tx('ui.identity')}: `, el('strong', { 'data-testid': 'identity' }, r.signer.identity)));
  // The box stays for an unsigned set too: a recipient told to expect a key must see it refused.
  if (r.signer) box.append(el('p', { class: 'compare' }, tx('ui.compare')));
  const input = el('input', { type: 'text', id: 'expected', spellcheck: 'false', autocomplete: 'off', placeholder: 'SHA256:…' });
  input.value = state.expected;
  const answer = el('span', { class: 'expect-answer', 'data-testid': 'expect-answer' });
  const update = () => {
    state.expected = input.value;
    const v = verdictOf(r, state.expected);
    answer.textContent = v.expectedMatches === null ? '' : v.expectedMatches ? `✓ ${tx('ui.expectMatch')}` : `✗ ${tx('ui.expectMismatch')}`;
    answer.className = `expect-answer ${v.expectedMatches === null ? '' : v.expectedMatches ? 'good' : 'bad'}`;
    renderVerdict(r);
  };
  input.addEventListener('input', update);
  box.append(el('label', { for: 'expected', class: 'expect-label' }, tx('ui.expectLabel')), input, answer);
  if (r.sealFingerprint && r.sealFingerprint !== r.signer?.fingerprint) {
    box.append(el('p', { class: 'seal-other', 'data-testid': 'seal-other-key' }, tx('ui.sealOtherKey', { fingerprint: r.sealFingerprint })));
  }
  queueMicrotask(() => {
    if (input.value) update();
  });
  return box;
}

function renderVerdict(r: VerifyReport): void {
  const v = verdictOf(r, state.expected);
  const box = document.getElementById('verdict');
  if (!box) return;
  box.dataset.verdict = v.level;
  box.dataset.verdictKey = v.key;
  box.dataset.missing = v.missing.join(' ');
  box.replaceChildren(`${v.level === 'valid' ? '✓ ' : v.level === 'invalid' ? '✗ ' : '⚠ '}${tx(v.key, v.params)}`);
  if (v.missing.length) box.append(el('ul', { class: 'missing' }, ...v.missing.map((k) => el('li', {}, tx(k)))));
}

function renderLine(l: CheckLine): HTMLElement {
  const li = el('li', { 'data-check': l.id, 'data-status': l.status, class: `check ${l.status}` },
    el('span', { class: 'mark', 'aria-hidden': 'true' }, MARK[l.status]),
    el('div', { class: 'body' }, el('div', { class: 'title' }, tm(state.lang, l.title)), el('div', { class: 'summary' }, tm(state.lang, l.summary))));
  const body = li.querySelector('.body') as HTMLElement;
  if (l.problems.length > 0) {
    const ul = el('ul', { class: 'problems' });
    for (const p of l.problems.slice(0, MAX_PROBLEMS_SHOWN)) {
      const where = [p.file, p.seq !== undefined && !p.file?.endsWith('custody.json') ? tx('ui.seq', { seq: p.seq }) : ''].filter(Boolean).join(', ');
      ul.append(el('li', {}, where ? el('code', {}, where) : '', where ? ': ' : '', tm(state.lang, p.msg)));
    }
    if (l.problems.length > MAX_PROBLEMS_SHOWN) ul.append(el('li', {}, tx('ui.more', { count: l.problems.length - MAX_PROBLEMS_SHOWN })));
    body.append(ul);
  }
  for (const n of l.notes) body.append(el('p', { class: 'note' }, tm(state.lang, n)));
  return li;
}

function render(): void {
  document.documentElement.lang = state.lang;
  document.title = tx('ui.title');
  const app = document.getElementById('app') as HTMLElement;
  app.replaceChildren();

  const select = el('select', { id: 'lang', 'aria-label': tx('ui.language') });
  for (const l of LANGS) {
    const o = el('option', { value: l.code }, l.name);
    if (l.code === state.lang) o.selected = true;
    select.append(o);
  }
  select.addEventListener('change', () => {
    state.lang = select.value as Lang;
    render();
  });
  app.append(el('header', {}, el('h1', {}, tx('ui.title')), el('label', { class: 'lang' }, `${tx('ui.language')}: `, select)));

  const input = el('input', { type: 'file', id: 'folder', 'data-testid': 'folder-input', webkitdirectory: '', directory: '', multiple: '' });
  input.addEventListener('change', () => {
    if (input.files) void run(filesFromInput(input.files));
  });
  const pick = el('section', { id: 'pick', class: state.running ? 'busy' : '' },
    el('p', {}, tx('ui.intro')),
    el('label', { class: 'button', for: 'folder' }, state.report || state.error ? tx('ui.again') : tx('ui.choose')), input,
    el('span', { class: 'drop-hint' }, ' ', tx('ui.drop')));
  app.append(pick);

  if (state.running) {
    app.append(el('section', { id: 'progress', 'aria-live': 'polite' }, el('progress', { max: '1', value: '0' }), el('div', { class: 'progress-text' })));
    renderProgress();
  }
  if (state.empty) app.append(el('p', { id: 'error', class: 'error' }, tx('ui.noFiles')));
  if (state.error) app.append(el('p', { id: 'error', class: 'error' }, tx('ui.error', { why: state.error })));
  const r = state.report;
  if (r) {
    app.append(el('section', { id: 'verdict', role: 'status', 'data-testid': 'verdict' }));
    renderVerdict(r);
    app.append(renderSigner(r));
    const list = el('ol', { id: 'checks' });
    for (const l of r.lines) list.append(renderLine(l));
    app.append(el('h2', {}, tx('ui.checks')), list);
    if (r.tagManifestSha256) app.append(el('p', { class: 'tagmanifest' }, el('code', {}, tx('ui.tagManifest', { hex: r.tagManifestSha256 }))));
  }
}

document.addEventListener('dragover', (e) => {
  e.preventDefault();
  document.body.classList.add('dragging');
});
document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
document.addEventListener('drop', (e) => {
  // Without this the browser would open the dropped file in place of the page.
  e.preventDefault();
  document.body.classList.remove('dragging');
  if (e.dataTransfer) void filesFromDrop(e.dataTransfer).then(run, (err: Error) => {
    state.error = err.message;
    render();
  });
});
render();
