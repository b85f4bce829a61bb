// Results page, /p/{id}/hasil: one bar per option in ballot order (not ranked, to avoid a
// bandwagon cue), counts, percentages, total, tier and caveat; live updates over SSE.
import {
  t, h, $, api, addStrings, setupPage, clear, fail, link, pollId, pollPath, when, num, pct, lang,
} from './common.js';

addStrings({
  resTitle: ['Hasil polling', 'Poll results'],
  total: ['Total: {0}', 'Total: {0}'],
  suara: ['suara', 'votes'],
  updated: ['Diperbarui {0}', 'Updated {0}'],
  live: ['● Langsung', '● Live'],
  reconnect: ['Menyambung ulang…', 'Reconnecting…'],
  final: ['Polling ditutup: ini angka akhirnya.', 'The poll is closed: these are its final numbers.'],
  running: ['Polling masih dibuka; angka dapat berubah.', 'The poll is still open; numbers may change.'],
  notStarted: ['Polling belum dibuka.', 'The poll is not open yet.'],
  shownAt: ['Hasil ditampilkan setelah polling ditutup: {0}.', 'Results are shown after the poll closes: {0}.'],
  voteFirst: ['Beri suara dulu untuk melihat hasil.', 'Vote first to see the results.'],
  back: ['Kembali ke polling', 'Back to the poll'],
});

const id = pollId();
const main = $('main');
const resultsUrl = () => pollPath(id) + '/results';
let poll = null;
let cur = null;
let box = null;
let liveEl = null;
let tierEl = null;

const regionCode = () => (poll && poll.region && poll.region.code) || '';
const votes = (n) => num(n) + ' ' + (lang === 'en' && Number(n) === 1 ? 'vote' : t('suara'));

async function init() {
  setupPage();
  if (!id) return fail(main, { detail: t('noPoll') });
  const both = await Promise.all([api(pollPath(id)), api(resultsUrl())]);
  const pr = both[0];
  const rr = both[1];
  if (!rr.ok && rr.problem.kind !== 'results-hidden') return fail(main, rr.problem);
  if (pr.ok) poll = pr.data;
  const title = poll ? poll.title : t('resTitle');
  document.title = title + ' — ' + t('resTitle');
  liveEl = h('p', { id: 'live', class: 'live', role: 'status' });
  box = h('section', { id: 'results' });
  tierEl = h('p', { class: 'tier' });
  clear(main).appendChild(h('p', { class: 'kicker' }, t('resTitle')));
  main.appendChild(h('h1', null, title));
  if (poll && poll.region) main.appendChild(h('p', { class: 'meta' }, poll.region.name));
  main.appendChild(liveEl);
  main.appendChild(box);
  main.appendChild(tierEl);
  main.appendChild(h('p', { class: 'caveat' }, t('caveat')));
  main.appendChild(h('p', null, h('a', { class: 'btn alt', href: link('/p/' + encodeURIComponent(id)) }, t('back'))));
  setTier(poll && poll.tier);
  if (!rr.ok) return showHidden(rr.problem);
  show(rr.data);
  if (rr.data.status !== 'closed') connect();
}

function setTier(tier) {
  if (tier) tierEl.textContent = t(tier === 'panel' ? 'tier_panel' : 'tier_open');
}

// Snapshots arrive from both /results and SSE; never let an older one replace a newer one.
function stale(d) {
  if (!cur) return false;
  return Number(cur.total) > Number(d.total) || Date.parse(cur.updated_at) > Date.parse(d.updated_at);
}

function show(d) {
  if (!d || !Array.isArray(d.options) || stale(d)) return;
  cur = d;
  const list = h('ol', { class: 'bars' });
  const opts = d.options.slice().sort((a, b) => a.number - b.number);
  for (const o of opts) {
    const fill = h('span', { class: 'fill' });
    // CSSOM writes are allowed under a CSP without 'unsafe-inline' (style attributes are not).
    fill.style.width = Math.max(0, Math.min(100, (Number(o.share) || 0) * 100)) + '%';
    list.appendChild(h('li', { 'data-choice': o.number },
      h('div', { class: 'lbl' }, h('span', { class: 'num' }, o.number), h('span', { class: 'name' }, o.name),
        h('strong', { class: 'pct' }, pct(o.share))),
      h('div', { class: 'bar', 'aria-hidden': 'true' }, fill),
      h('div', { class: 'cnt' }, votes(o.votes))));
  }
  clear(box).appendChild(list);
  box.appendChild(h('p', { class: 'total', id: 'total' }, t('total', votes(d.total))));
  const st = { open: 'running', closed: 'final', scheduled: 'notStarted' }[d.status];
  if (st) box.appendChild(h('p', { class: 'small' }, t(st)));
  if (d.updated_at) box.appendChild(h('p', { class: 'small', id: 'updated' }, t('updated', when(d.updated_at, regionCode()))));
  setTier(d.tier);
}

function refetch() {
  api(resultsUrl()).then((r) => { if (r.ok) show(r.data); });
}

function setLive(on) {
  liveEl.className = 'live ' + (on ? 'on' : 'off');
  liveEl.textContent = t(on ? 'live' : 'reconnect');
}

// EventSource reconnects by itself after network errors; when it gives up (readyState CLOSED, e.g.
// after a non-200 answer) we retry with backoff. Each (re)open refetches once so nothing is missed
// between the snapshot and the subscription.
let tries = 0;
function connect() {
  if (typeof EventSource !== 'function') {
    setInterval(refetch, 15000);
    return;
  }
  const es = new EventSource(pollPath(id) + '/events');
  es.addEventListener('open', () => { tries = 0; setLive(true); refetch(); });
  es.addEventListener('results', (e) => {
    setLive(true);
    let d = null;
    try { d = JSON.parse(e.data); } catch (x) { return; }
    show(d);
    if (d && d.status === 'closed') es.close();
  });
  es.addEventListener('error', () => {
    setLive(false);
    if (es.readyState === 2) setTimeout(connect, Math.min(60000, 2000 * Math.pow(2, tries++)));
  });
}

function showHidden(p) {
  clear(box).appendChild(h('p', { class: 'note', id: 'hidden', role: 'status' }, p.detail));
  if (!poll) return;
  if (poll.visibility === 'after_close' && poll.closes_at) {
    box.appendChild(h('p', null, t('shownAt', when(poll.closes_at, regionCode()))));
    // Reload once the poll closes, spread over 30 s so thousands of open pages do not hit at once.
    const ms = Date.parse(poll.closes_at) - Date.now();
    if (ms > 0 && ms < 2e9) setTimeout(() => location.reload(), ms + 2000 + Math.random() * 30000);
  } else if (poll.visibility === 'after_vote' && poll.status === 'open') {
    box.appendChild(h('p', null, h('a', { class: 'btn', href: link('/p/' + encodeURIComponent(id)) }, t('voteFirst'))));
  }
}

init();
