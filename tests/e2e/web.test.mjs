// Browser test of the minimal pages against a real `pantau serve`: a phone votes through
// /p/{id}?s=..., gets a receipt that the API confirms, sees "sudah memilih" after a reload, watches
// the results page update live over SSE when a second device votes, and a hidden-results poll shows
// its notice. Run: node --test tests/e2e/   (env PANTAU_BIN overrides build/src/cli/pantau)
// Every wait is bounded; the server and the browser are stopped in after().
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.resolve(ROOT, process.env.PANTAU_BIN || 'build/src/cli/pantau');
const WEB_ROOT = path.join(ROOT, 'web', 'public');
const PHONE = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) '
    + 'Chrome/124.0.0.0 Mobile Safari/537.36',
  locale: 'id-ID',
  timezoneId: 'Asia/Makassar',
};
const HEX64 = /^[0-9a-f]{64}$/;

const skip = fs.existsSync(CHROMIUM) ? false
  : `${CHROMIUM} is missing: install Debian's chromium (scripts/deps.sh does) to run the browser test`;
if (skip) console.log(`e2e_web skipped: ${skip}`);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// fetch with a deadline; the test must never hang on a stuck server.
function get(url, init = {}) {
  return fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
}

describe('minimal web pages', { skip, timeout: 180_000 }, () => {
  let server;
  let serverLog = '';
  let tmp;
  let base;
  let browser;
  let phone; // first device: browser context + page
  let page;
  let poll; // {id, owner_key}
  const pageErrors = [];

  async function createPoll(visibility) {
    const now = Date.now();
    const res = await get(`${base}/api/v1/polls`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        title: `Pilkada Kota Tomohon 2024 (${visibility})`,
        region: '71.73',
        kind: 'candidate',
        options: [
          { number: 1, name: 'Paslon Satu' },
          { number: 2, name: 'Paslon Dua' },
          { number: 3, name: 'Paslon Tiga' },
        ],
        opens_at: new Date(now - 3600_000).toISOString(),
        closes_at: new Date(now + 86400_000).toISOString(),
        visibility,
        tier: 'open',
        methodology: 'Polling terbuka, satu suara per perangkat.',
        owner_name: 'Redaksi Uji',
      }),
    });
    const text = await res.text();
    assert.equal(res.status, 201, `POST /api/v1/polls: ${text}`);
    const body = JSON.parse(text);
    assert.ok(body.poll && body.poll.id, `no poll id in ${text}`);
    return { id: body.poll.id, owner_key: body.owner_key };
  }

  async function newPhone() {
    const context = await browser.newContext(PHONE);
    const p = await context.newPage();
    p.setDefaultTimeout(10_000);
    p.setDefaultNavigationTimeout(15_000);
    p.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    // CSP violations (inline script/style) are reported on the console.
    p.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) pageErrors.push(m.text());
    });
    return { context, page: p };
  }

  async function vote(p, choice) {
    await p.goto(`${base}/p/${poll.id}?s=tok123`);
    const option = p.locator(`button.opt[data-choice="${choice}"]`);
    await option.waitFor({ state: 'visible' });
    await option.tap();
    await p.locator('#confirm-send').tap();
    const hash = (await p.locator('#receipt-hash').textContent({ timeout: 15_000 })).trim();
    assert.match(hash, HEX64);
    return hash;
  }

  before(async () => {
    assert.ok(fs.existsSync(BIN), `pantau binary not found at ${BIN} (build it, or set PANTAU_BIN)`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-e2e-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(BIN, ['serve', '--db', path.join(tmp, 'e2e.db'), '--listen', `127.0.0.1:${port}`,
      '--web-root', WEB_ROOT], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d) => { serverLog = (serverLog + d).slice(-8000); };
    server.stdout.on('data', keep);
    server.stderr.on('data', keep);
    let exited = null;
    server.on('exit', (code, sig) => { exited = `exit code ${code} signal ${sig}`; });
    server.on('error', (e) => { exited = `could not start: ${e.message}`; });

    const deadline = Date.now() + 20_000;
    for (;;) {
      if (exited) assert.fail(`pantau serve stopped (${exited}):\n${serverLog}`);
      try {
        const r = await get(`${base}/api/v1/polls`);
        if (r.status === 200) break;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) assert.fail(`pantau serve did not answer within 20 s:\n${serverLog}`);
      await sleep(100);
    }

    const { chromium } = await import('playwright-core');
    // launch() runs Chromium on a fresh temporary user-data-dir, removed on close.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    poll = await createPoll('live');
    ({ context: phone, page } = await newPhone());
  });

  after(async () => {
    if (browser) await browser.close().catch(() => {});
    if (server && server.exitCode === null && server.signalCode === null) {
      const gone = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      const timer = setTimeout(() => {
        console.log('pantau serve did not stop within 5 s of SIGTERM; killing it');
        server.kill('SIGKILL');
      }, 5000);
      await gone;
      clearTimeout(timer);
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists the poll on the home page', async () => {
    await page.goto(`${base}/`);
    await page.locator(`a[href="/p/${poll.id}"]`).first().waitFor();
    assert.match(await page.locator('main').textContent(), /Apa ini\?/);
  });

  let hash;
  it('votes from a phone with a share token and shows a receipt the API confirms', async () => {
    await page.goto(`${base}/p/${poll.id}?s=tok123`);
    const option = page.locator('button.opt[data-choice="2"]');
    await option.waitFor({ state: 'visible' });
    const box = await option.boundingBox();
    assert.ok(box.height >= 48 && box.width >= 300, `option touch target too small: ${JSON.stringify(box)}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 360, `page scrolls sideways at 360 px (scrollWidth ${overflow})`);
    assert.match(await page.locator('h1').textContent(), /Pilkada Kota Tomohon/);

    hash = await vote(page, 2);
    const res = await get(`${base}/api/v1/polls/${poll.id}/receipts/${hash}`);
    assert.equal(res.status, 200, `receipt lookup: ${await res.text()}`);

    await page.locator('#check').tap();
    await page.locator('#check-out.good').waitFor();

    const cookies = await phone.cookies(base);
    const did = cookies.find((c) => c.name === 'pantau_did');
    assert.ok(did, 'the server set no pantau_did cookie');
    assert.equal(did.httpOnly, true, 'pantau_did must be HttpOnly');
  });

  it('says the device already voted after a reload', async () => {
    await page.reload();
    const title = page.locator('#receipt-title');
    await title.waitFor();
    assert.match(await title.textContent(), /sudah memilih/);
    assert.equal((await page.locator('#receipt-hash').textContent()).trim(), hash);
    assert.equal(await page.locator('button.opt').count(), 0, 'options must not be offered again');
  });

  it('shows results and updates them live when another device votes', async () => {
    await page.goto(`${base}/p/${poll.id}/hasil`);
    const two = page.locator('.bars li[data-choice="2"]');
    await two.locator('.cnt').filter({ hasText: /^1 suara$/ }).waitFor();
    assert.match(await two.locator('.pct').textContent(), /^100(,0)?\s?%$/);
    assert.match(await page.locator('#total').textContent(), /1 suara/);
    await page.locator('#live.on').waitFor();
    await page.evaluate(() => { window.pantauMarker = 'no-reload'; });
    // From here on the update must arrive over the event stream, not by fetching /results again.
    const refetches = [];
    const onRequest = (r) => { if (r.url().endsWith('/results')) refetches.push(r.url()); };
    page.on('request', onRequest);

    const second = await newPhone();
    try {
      await vote(second.page, 3);
    } finally {
      await second.context.close();
    }

    const three = page.locator('.bars li[data-choice="3"]');
    await three.locator('.cnt').filter({ hasText: /^1 suara$/ }).waitFor({ timeout: 10_000 });
    assert.match(await two.locator('.pct').textContent(), /^50(,0)?\s?%$/);
    assert.match(await page.locator('#total').textContent(), /2 suara/);
    assert.equal(await page.evaluate(() => window.pantauMarker), 'no-reload', 'the page reloaded instead of updating live');
    page.off('request', onRequest);
    assert.deepEqual(refetches, [], 'the update came from refetching /results, not from the event stream');
  });

  it('shows the hidden-results notice for an after_close poll', async () => {
    const hidden = await createPoll('after_close');
    const res = await get(`${base}/api/v1/polls/${hidden.id}/results`);
    assert.equal(res.status, 403, 'results of an open after_close poll must be hidden');
    await page.goto(`${base}/p/${hidden.id}/hasil`);
    const notice = page.locator('#hidden');
    await notice.waitFor();
    assert.ok((await notice.textContent()).trim().length > 0, 'the hidden notice is empty');
    assert.match(await page.locator('#results').textContent(), /ditampilkan setelah polling ditutup/);
    assert.equal(await page.locator('.bars').count(), 0);

    await page.goto(`${base}/p/${hidden.id}/hasil?lang=en`);
    await page.locator('#hidden').waitFor();
    assert.match(await page.locator('#results').textContent(), /Results are shown after the poll closes/);
    await page.goto(`${base}/?lang=id`); // the language choice is remembered; switch back
  });

  it('raised no script errors or CSP violations', () => {
    assert.deepEqual(pageErrors, []);
  });
});
