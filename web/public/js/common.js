// Shared helpers for the minimal pantau pages: language, DOM building, API calls, time and number
// formatting. Plain ES2018 modules, no framework and no optional chaining: these pages must run in
// old Android WebViews and in WhatsApp's in-app browser, over slow mobile networks.
// Never put server data into innerHTML: h() builds nodes and inserts text as text.

const query = new URLSearchParams(location.search);

// Bahasa Indonesia first; ?lang=en switches to English and the choice is remembered on the device.
function pickLang() {
  let l = query.get('lang');
  try {
    if (l === 'en' || l === 'id') localStorage.setItem('pantau:lang', l);
    else l = localStorage.getItem('pantau:lang');
  } catch (e) { /* storage may be disabled in in-app browsers */ }
  return l === 'en' ? 'en' : 'id';
}
export const lang = pickLang();
const EN = lang === 'en' ? 1 : 0;
const locale = EN ? 'en-GB' : 'id-ID';

// [Bahasa Indonesia, English]; {0} is replaced by the first argument of t().
const S = {
  other: ['English', 'Bahasa Indonesia'],
  loading: ['Memuat…', 'Loading…'],
  netErr: ['Koneksi gagal. Periksa sinyal lalu coba lagi.', 'Connection failed. Check your signal and try again.'],
  httpErr: ['Terjadi kesalahan (HTTP {0}).', 'Something went wrong (HTTP {0}).'],
  retry: ['Coba lagi', 'Try again'],
  noPoll: ['Polling tidak ditemukan.', 'Poll not found.'],
  scheduled: ['Belum dibuka', 'Not open yet'],
  open: ['Dibuka', 'Open'],
  closed: ['Ditutup', 'Closed'],
  opensAt: ['Dibuka: {0}', 'Opens: {0}'],
  closesAt: ['Ditutup: {0}', 'Closes: {0}'],
  local: ['{0} waktu setempat', '{0} local time'],
  vote: ['Beri suara', 'Vote'],
  results: ['Lihat hasil', 'See results'],
  by: ['Penyelenggara: ', 'Run by: '],
  method: ['Metodologi', 'Methodology'],
  tier_open: ['Terbuka: satu suara per perangkat, bukan survei ilmiah.', 'Open: one vote per device, not a scientific survey.'],
  tier_panel: ['Panel: hanya peserta terdaftar, masing-masing dengan token sekali pakai. Tetap bukan hasil resmi.', 'Panel: registered participants only, each with a single-use token. Still not an official result.'],
  caveat: ['Polling daring tidak mewakili seluruh pemilih dan bukan hasil resmi. Hasil resmi pilkada hanya dari KPU.', 'Online polls do not represent all voters and are not official results. Only the KPU publishes official election results.'],
};
export function t(key, arg) {
  const e = S[key];
  const s = e ? e[EN] : key;
  return arg === undefined ? s : s.replace('{0}', arg);
}
export function addStrings(more) { Object.assign(S, more); }

// h('a', {href: '/x', class: 'btn', onclick: fn}, 'text', childNode, [more, children])
export function h(tag, attrs) {
  const el = document.createElement(tag);
  for (const k in attrs || {}) {
    const v = attrs[k];
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  const add = (c) => {
    if (Array.isArray(c)) c.forEach(add);
    else if (c !== null && c !== undefined && c !== false) el.appendChild(c.nodeType ? c : document.createTextNode(String(c)));
  };
  for (let i = 2; i < arguments.length; i++) add(arguments[i]);
  return el;
}
export const $ = (id) => document.getElementById(id);
export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

// Internal links carry ?lang=en so the choice survives when storage is disabled.
export function link(path) { return EN ? path + (path.indexOf('?') < 0 ? '?' : '&') + 'lang=en' : path; }

// The poll id from /p/{id} or /p/{id}/hasil (or ?id= when a page is opened directly).
export function pollId() {
  const m = /^\/p\/([^/?#]+)/.exec(location.pathname);
  try { return m ? decodeURIComponent(m[1]) : query.get('id'); } catch (e) { return null; }
}
export const param = (name) => query.get(name);
export const pollPath = (id) => '/api/v1/polls/' + encodeURIComponent(id);

// Translates the static text of the page and wires the language toggle.
export function setupPage() {
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-t]').forEach((e) => { e.textContent = t(e.getAttribute('data-t')); });
  const tog = $('lang');
  if (tog) {
    const q = new URLSearchParams(location.search);
    q.set('lang', EN ? 'id' : 'en');
    tog.href = location.pathname + '?' + q.toString();
    tog.textContent = t('other');
    tog.lang = EN ? 'id' : 'en';
  }
}

// fetch wrapper: resolves to {ok, status, data} or {ok: false, status, problem: {kind, detail, ...}},
// never rejects. Problem details (RFC 9457) come already localized by the server.
export async function api(path, opts) {
  opts = opts || {};
  const headers = { Accept: 'application/json', 'Accept-Language': lang };
  const init = { method: opts.method || 'GET', headers, credentials: 'same-origin', cache: 'no-store' };
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.json);
  }
  const ctl = typeof AbortController === 'function' ? new AbortController() : null;
  if (ctl) init.signal = ctl.signal;
  const timer = ctl ? setTimeout(() => ctl.abort(), opts.timeout || 20000) : 0;
  let res;
  let data = null;
  try {
    res = await fetch(path, init);
    try { data = await res.json(); } catch (e) { data = null; }
  } catch (e) {
    return { ok: false, status: 0, problem: { kind: 'network', detail: t('netErr'), data: {} } };
  } finally {
    clearTimeout(timer);
  }
  if (res.ok) return { ok: true, status: res.status, data };
  const p = data && typeof data === 'object' ? data : {};
  const kind = typeof p.type === 'string' ? p.type.split('/').pop() : '';
  return {
    ok: false, status: res.status,
    problem: { kind, detail: p.detail || p.title || t('httpErr', res.status), data: p, retryAfter: res.headers.get('Retry-After') },
  };
}

// Times: shown in the browser's time zone (WIB / WITA / WIT in Indonesia); when the poll's region
// lies in another zone its local time is added, e.g. "20 Nov 2024, 07.15 WIB (08.15 WITA waktu setempat)".
function zoneOfRegion(code) {
  const p = parseInt(String(code || ''), 10);
  if (!(p > 10)) return '';
  if (p >= 81) return 'Asia/Jayapura';
  if (p >= 71 || (p >= 63 && p <= 65) || (p >= 51 && p <= 53)) return 'Asia/Makassar';
  return 'Asia/Jakarta';
}
function zoneName(d, tz) {
  try {
    const parts = new Intl.DateTimeFormat('id-ID', { timeZone: tz, timeZoneName: 'short' }).formatToParts(d);
    for (const x of parts) if (x.type === 'timeZoneName') return x.value;
  } catch (e) { /* unknown zone */ }
  return '';
}
function fmt(d, tz, withDate) {
  const o = { hour: '2-digit', minute: '2-digit', timeZone: tz };
  if (withDate) { o.day = 'numeric'; o.month = 'short'; o.year = 'numeric'; }
  try { return new Intl.DateTimeFormat(locale, o).format(d) + ' ' + zoneName(d, tz); } catch (e) { return d.toISOString(); }
}
export function when(iso, regionCode) {
  const d = new Date(iso);
  if (!iso || isNaN(d.getTime())) return '';
  let s = fmt(d, undefined, true);
  const rz = zoneOfRegion(regionCode);
  if (rz && zoneName(d, rz) !== zoneName(d, undefined)) s += ' (' + t('local', fmt(d, rz, false)) + ')';
  return s;
}

export function statusBadge(status) {
  const known = status === 'scheduled' || status === 'open' || status === 'closed';
  return h('span', { class: 'badge st-' + (known ? status : 'x') }, known ? t(status) : String(status || '?'));
}

const nf = new Intl.NumberFormat(locale);
const pf = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
export const num = (n) => nf.format(Number(n) || 0);
export const pct = (f) => pf.format(Number(f) || 0);

export function store(key, value) {
  try {
    if (value === undefined) return JSON.parse(localStorage.getItem(key) || 'null');
    localStorage.setItem(key, JSON.stringify(value));
  } catch (e) { /* disabled or full storage: the page still works, it just forgets */ }
  return null;
}

// Replaces the page body with a message (and a retry button for network failures).
export function fail(main, problem) {
  clear(main).appendChild(h('p', { class: 'note err', role: 'alert' }, problem.detail));
  if (problem.kind === 'network') main.appendChild(h('button', { class: 'btn', type: 'button', onclick: () => location.reload() }, t('retry')));
}
