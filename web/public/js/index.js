// Home page: what pantau is, and the list of polls from GET /api/v1/polls.
import { t, h, $, api, addStrings, setupPage, statusBadge, link, fail } from './common.js';

addStrings({
  about: ['Apa ini?', 'What is this?'],
  about1: ['pantau adalah polling daring untuk pilkada yang bisa diperiksa. Setiap suara dicatat dalam buku besar berantai hash, dan Anda menerima tanda terima untuk memastikan suara Anda dihitung.',
    'pantau runs online polls about regional elections that anyone can check. Every vote goes into a hash-chained ledger and you get a receipt to confirm your vote was counted.'],
  about2: ['pantau menandai lonjakan suara yang terkoordinasi, misalnya mobilisasi ASN atau honorer lewat grup WhatsApp kantor, agar penyelenggara dan publik melihat gambaran yang jujur. Alamat IP Anda tidak disimpan.',
    'pantau flags coordinated bursts of votes, such as civil servants mobilised through office WhatsApp groups, so poll owners and the public see an honest picture. Your IP address is not stored.'],
  polls: ['Polling', 'Polls'],
  none: ['Belum ada polling.', 'No polls yet.'],
});

async function main() {
  setupPage();
  const msg = $('msg');
  const r = await api('/api/v1/polls');
  if (!r.ok) return fail(msg, r.problem);
  const polls = (r.data && Array.isArray(r.data.polls)) ? r.data.polls : [];
  if (polls.length) msg.remove();
  else msg.textContent = t('none');
  const list = $('polls');
  for (const p of polls) {
    const base = '/p/' + encodeURIComponent(p.id);
    list.appendChild(h('li', { class: 'card' },
      h('h3', null, h('a', { href: link(base) }, p.title)),
      h('p', { class: 'meta' }, (p.region && p.region.name) || '', ' ', statusBadge(p.status)),
      h('p', { class: 'row' },
        p.status === 'open' ? h('a', { class: 'btn', href: link(base) }, t('vote')) : null,
        h('a', { class: 'btn alt', href: link(base + '/hasil') }, t('results')))));
  }
}
main();
