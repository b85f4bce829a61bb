// Voting page, /p/{id}?s=<share token>: poll details, the options as big buttons, a confirm step,
// POST /votes, then the receipt. The receipt (never the choice: phones are shared) is kept in
// localStorage so that a revisit shows "Anda sudah memilih" with it.
import {
  t, h, $, api, addStrings, setupPage, clear, fail, link, pollId, pollPath, param, when, statusBadge, store,
} from './common.js';

addStrings({
  pick: ['Pilih salah satu:', 'Choose one:'],
  notYet: ['Polling belum dibuka. Anda dapat memilih setelah dibuka.', 'This poll is not open yet. You can vote once it opens.'],
  isClosed: ['Polling sudah ditutup.', 'This poll is closed.'],
  youPick: ['Anda memilih:', 'Your choice:'],
  send: ['Ya, kirim suara', 'Yes, send my vote'],
  change: ['Ubah pilihan', 'Change choice'],
  sending: ['Mengirim…', 'Sending…'],
  final: ['Suara tidak dapat diubah setelah dikirim.', 'A vote cannot be changed once sent.'],
  token: ['Token panel', 'Panel token'],
  tokenHelp: ['Masukkan token sekali pakai dari penyelenggara.', 'Enter the single-use token the poll owner gave you.'],
  needToken: ['Token panel wajib diisi.', 'The panel token is required.'],
  thanks: ['Terima kasih, suara Anda tercatat.', 'Thank you, your vote is recorded.'],
  already: ['Anda sudah memilih di polling ini.', 'You have already voted in this poll.'],
  rPoll: ['Polling', 'Poll'],
  rSeq: ['Nomor urut', 'Sequence no.'],
  rTime: ['Waktu', 'Time'],
  keep: ['Simpan hash ini untuk memeriksa bahwa suara Anda dihitung. Hash ini tidak menunjukkan pilihan Anda.',
    'Keep this hash to check that your vote is counted. It does not reveal your choice.'],
  copy: ['Salin hash', 'Copy hash'],
  copied: ['Tersalin ✓', 'Copied ✓'],
  check: ['Periksa', 'Check'],
  raw: ['Data tanda terima (JSON)', 'Receipt data (JSON)'],
  checkOk: ['Tanda terima ditemukan: suara Anda tercatat.', 'Receipt found: your vote is recorded.'],
  retryIn: ['Coba lagi dalam {0} detik.', 'Try again in {0} s.'],
});

const HEX64 = /^[0-9a-f]{64}$/i;
const id = pollId();
const main = $('main');
const KEY = 'pantau:vote:' + id;
let poll = null;
let ballot = null;

const region = () => (poll.region && poll.region.code) || '';
const resultsPath = () => '/p/' + encodeURIComponent(id) + '/hasil';
// Same-origin paths only: '/x' but not '//host'.
const localPath = (u) => (typeof u === 'string' && /^\/(?!\/)/.test(u) ? u : null);

async function init() {
  setupPage();
  if (!id) return fail(main, { detail: t('noPoll') });
  const r = await api(pollPath(id));
  if (!r.ok) return fail(main, r.problem);
  poll = r.data;
  renderPoll();
}

function renderPoll(msg) {
  document.title = poll.title + ' — pantau';
  const owner = poll.owner || {};
  const url = /^https?:\/\//i.test(owner.url || '') ? owner.url : null;
  clear(main).appendChild(h('h1', null, poll.title));
  main.appendChild(h('p', { class: 'meta' }, (poll.region && poll.region.name) || ''));
  main.appendChild(h('p', { class: 'meta' }, t('by'),
    url ? h('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, owner.name || url) : (owner.name || '—')));
  main.appendChild(h('div', { class: 'status' }, statusBadge(poll.status),
    h('ul', { class: 'times' },
      h('li', null, t('opensAt', when(poll.opens_at, region()))),
      h('li', null, t('closesAt', when(poll.closes_at, region()))))));
  if (poll.methodology) {
    main.appendChild(h('details', { class: 'card' }, h('summary', null, t('method')), h('p', { class: 'pre' }, poll.methodology)));
  }
  ballot = h('section', { id: 'ballot' });
  main.appendChild(ballot);
  main.appendChild(h('p', { class: 'tier' }, t(poll.tier === 'panel' ? 'tier_panel' : 'tier_open')));
  main.appendChild(h('p', { class: 'caveat' }, t('caveat')));
  main.appendChild(h('p', { id: 'to-results' }, h('a', { class: 'btn alt', href: link(resultsPath()) }, t('results'))));
  const saved = store(KEY);
  if (saved && saved.receipt && HEX64.test(saved.receipt.hash)) showReceipt(saved, false);
  else showOptions(msg);
}

function optBody(o) {
  const photo = /^(https:\/\/|\/(?!\/))/i.test(o.photo_url || '')
    ? h('img', {
      src: o.photo_url, alt: '', width: 56, height: 56, loading: 'lazy', decoding: 'async',
      onerror: (e) => e.target.remove(), // dead link, blocked or offline: no broken-image box
    }) : null;
  return [h('span', { class: 'num' }, o.number), photo, h('span', { class: 'name' }, o.name)];
}

const note = (text, cls) => h('p', { class: 'note ' + (cls || ''), role: 'alert' }, text);

function showOptions(msg) {
  const open = poll.status === 'open';
  clear(ballot);
  if (msg) ballot.appendChild(note(msg, 'err'));
  ballot.appendChild(open ? h('h2', null, t('pick')) : note(t(poll.status === 'closed' ? 'isClosed' : 'notYet')));
  const list = h('ul', { class: 'opts' });
  for (const o of poll.options || []) {
    list.appendChild(h('li', null, h('button', {
      type: 'button', class: 'opt', 'data-choice': o.number, disabled: !open, onclick: () => confirmStep(o),
    }, optBody(o))));
  }
  ballot.appendChild(list);
}

function confirmStep(o) {
  clear(ballot);
  const title = h('h2', { id: 'confirm-title', tabindex: '-1' }, t('youPick'));
  const send = h('button', { type: 'button', class: 'btn big', id: 'confirm-send' }, t('send'));
  const back = h('button', { type: 'button', class: 'btn alt', id: 'confirm-back', onclick: () => showOptions() }, t('change'));
  const out = h('div', { id: 'vote-msg', role: 'alert' });
  let token = null;
  ballot.appendChild(h('div', { class: 'card' }, title, h('div', { class: 'opt chosen' }, optBody(o))));
  if (poll.tier === 'panel') {
    token = h('input', { id: 'panel-token', type: 'text', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', required: true });
    ballot.appendChild(h('p', { class: 'field' }, h('label', { for: 'panel-token' }, t('token')), token, h('span', { class: 'small' }, t('tokenHelp'))));
  }
  ballot.appendChild(h('p', { class: 'small' }, t('final')));
  ballot.appendChild(h('p', { class: 'row' }, send, back));
  ballot.appendChild(out);
  send.addEventListener('click', () => submit(o, { send, back, token, out }));
  title.focus();
}

async function submit(o, ui) {
  const body = { choice: o.number };
  const s = param('s');
  if (s) body.share_token = s.slice(0, 200);
  if (ui.token) {
    body.panel_token = ui.token.value.trim();
    if (!body.panel_token) { clear(ui.out).appendChild(note(t('needToken'), 'err')); ui.token.focus(); return; }
  }
  ui.send.disabled = ui.back.disabled = true;
  ui.send.textContent = t('sending');
  clear(ui.out);
  const r = await api(pollPath(id) + '/votes', { method: 'POST', json: body, timeout: 30000 });
  if (r.ok && r.data && r.data.receipt && HEX64.test(r.data.receipt.hash)) return saveAndShow(r.data);
  const p = r.ok ? { kind: '', detail: t('httpErr', r.status), data: {} } : r.problem;
  if (p.kind === 'already-voted') {
    // A server may return the device's existing receipt with the problem; show it when present.
    if (p.data.receipt && HEX64.test(p.data.receipt.hash)) return saveAndShow(p.data);
    clear(ballot).appendChild(h('div', { class: 'card ok' }, h('h2', null, t('already')), h('p', null, p.detail)));
    return;
  }
  if (p.kind === 'poll-closed' || p.kind === 'poll-not-open') {
    const again = await api(pollPath(id));
    if (again.ok) poll = again.data;
    else poll.status = p.kind === 'poll-closed' ? 'closed' : 'scheduled';
    return renderPoll(p.detail);
  }
  ui.send.textContent = t('send');
  ui.back.disabled = false;
  const msg = note(p.detail, 'err');
  ui.out.appendChild(msg);
  if (p.kind !== 'rate-limited') { ui.send.disabled = false; return; }
  let left = Math.min(300, Math.max(1, parseInt(p.retryAfter, 10) || 5));
  const tick = h('span', null, ' ' + t('retryIn', left));
  msg.appendChild(tick);
  const timer = setInterval(() => {
    left -= 1;
    tick.textContent = ' ' + t('retryIn', left);
    if (left <= 0) { clearInterval(timer); tick.remove(); ui.send.disabled = false; }
  }, 1000);
}

function saveAndShow(data) {
  const saved = { receipt: data.receipt, results_url: localPath(data.results_url) };
  store(KEY, saved);
  showReceipt(saved, true);
}

function showReceipt(saved, fresh) {
  const rc = saved.receipt;
  const code = h('code', { id: 'receipt-hash', class: 'hash' }, rc.hash);
  const out = h('p', { id: 'check-out', class: 'small', role: 'status' });
  const checkUrl = pollPath(id) + '/receipts/' + rc.hash;
  const title = h('h2', { id: 'receipt-title', tabindex: '-1' }, t(fresh ? 'thanks' : 'already'));
  clear(ballot).appendChild(h('div', { class: 'card ok', id: 'receipt' }, title,
    h('dl', null,
      h('dt', null, t('rPoll')), h('dd', null, rc.poll || id),
      h('dt', null, t('rSeq')), h('dd', { id: 'receipt-seq' }, rc.seq),
      h('dt', null, t('rTime')), h('dd', null, when(rc.time, region())),
      h('dt', null, 'Hash'), h('dd', null, code)),
    h('p', { class: 'small' }, t('keep')),
    h('p', { class: 'row' },
      h('button', { type: 'button', class: 'btn alt', id: 'copy', onclick: (e) => copy(code, e.currentTarget) }, t('copy')),
      h('button', { type: 'button', class: 'btn alt', id: 'check', onclick: () => check(checkUrl, out) }, t('check'))),
    out,
    h('p', { class: 'small' }, h('a', { href: checkUrl, id: 'receipt-link' }, t('raw'))),
    h('p', null, h('a', { class: 'btn big', href: link(saved.results_url || resultsPath()) }, t('results')))));
  const dup = $('to-results');
  if (dup) dup.remove();
  if (fresh) title.focus();
}

function copy(code, btn) {
  const done = () => {
    btn.textContent = t('copied');
    setTimeout(() => { btn.textContent = t('copy'); }, 2000);
  };
  // Fallback for WebViews without the async clipboard: select the hash and try execCommand; if that
  // fails too, the hash stays selected for a manual copy.
  const legacy = () => {
    const range = document.createRange();
    range.selectNodeContents(code);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    try { if (document.execCommand('copy')) done(); } catch (e) { /* manual copy */ }
  };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(code.textContent).then(done, legacy);
  else legacy();
}

async function check(url, out) {
  out.className = 'small';
  out.textContent = t('loading');
  const r = await api(url);
  out.className = 'small ' + (r.ok ? 'good' : 'err');
  out.textContent = r.ok ? t('checkOk') : r.problem.detail;
}

init();
