/*
 * make bench-web: in Debian's chromium, the time the booth's Web Worker
 * takes to make a ballot of 8 ciphertexts (one question, 8 answers) for each
 * group, unthrottled and with the CPU throttled 6x (DevTools'
 * Emulation.setCPUThrottlingRate, on the page and on its worker), and the
 * compressed size of everything the booth transfers for a curve and a
 * finite-field election (pages, scripts, catalogue, worker, core). Prints a table.
 */
'use strict';
const { election, serve, credentialOf, tmpdir, hasWorker, WEB } = require('./lib');
const RUNS = Number(process.env.BENCH_RUNS || 3);
const fs = require('fs');

const TEMPLATE = {
  name: 'Bench',
  description: 'Booth benchmark.',
  questions: [{ question: 'Eight answers', answers: ['1', '2', '3', '4', '5', '6', '7', '8'], min: 1, max: 1 }],
};

async function launch() {
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return browser;
}

/* Throttle the page and every worker it starts (auto-attached through the browser's CDP session). */
async function throttle(browser, page, rate) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  const b = await browser.newBrowserCDPSession();
  const { targetInfos } = await b.send('Target.getTargets');
  for (const t of targetInfos.filter((x) => x.type === 'worker' || x.type === 'dedicated_worker')) {
    const { sessionId } = await b.send('Target.attachToTarget', { targetId: t.targetId, flatten: true });
    await b.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id: 1, method: 'Emulation.setCPUThrottlingRate', params: { rate } }),
    }).catch(() => b._connection && null);
  }
  return { cdp, b };
}

/* Time of 'encrypt' in the booth's worker, in the page (ms), RUNS times; the median. */
async function timeBallot(browser, s, cred, rate) {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 640 } });
  const page = await ctx.newPage();
  await page.goto(`${s.base}/vote`);
  await page.evaluate(async () => {
    window.benchWorker = new Worker('/web/core/worker.js');
    window.benchAsk = (msg) =>
      new Promise((res) => {
        const on = (ev) => {
          if (ev.data.id === msg.id && !ev.data.progress) {
            window.benchWorker.removeEventListener('message', on);
            res(ev.data);
          }
        };
        window.benchWorker.addEventListener('message', on);
        window.benchWorker.postMessage(msg);
      });
    const election = (await (await fetch(location.pathname.replace(/vote$/, 'election'))).text()).replace(/\n$/, '');
    const r = await window.benchAsk({ id: 1, op: 'init', election });
    if (!r.ok) throw new Error('init: ' + r.message);
  });
  await throttle(browser, page, rate);
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t = await page.evaluate(
      async ([credential, id]) => {
        const t0 = performance.now();
        const r = await window.benchAsk({ id, op: 'encrypt', credential, choices: [[0, 0, 1, 0, 0, 0, 0, 0]] });
        if (!r.ok) throw new Error('encrypt: ' + r.message);
        return performance.now() - t0;
      },
      [cred, 10 + i]
    );
    times.push(t);
  }
  await ctx.close();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/* Bytes on the wire (compressed bodies and headers) for the booth: the page, Start, the core loaded in the worker. */
async function transfer(browser, s) {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 640 } });
  const page = await ctx.newPage();
  const done = [];
  const list = [];
  ctx.on('requestfinished', (r) =>
    done.push(
      r.sizes().then((z) => {
        list.push([r.url(), z.responseBodySize]);
        return z.responseBodySize + z.responseHeadersSize;
      })
    )
  );
  await page.goto(`${s.base}/vote`);
  await page.waitForFunction(() => !document.getElementById('b-start').disabled);
  await page.locator('#b-start').click();
  await page.waitForTimeout(3000);
  const bytes = (await Promise.all(done)).reduce((a, b) => a + b, 0);
  if (process.env.BENCH_VERBOSE) list.forEach(([u, n]) => console.log(`  ${n}\t${u}`));
  await ctx.close();
  return bytes;
}

async function main() {
  if (!hasWorker()) {
    console.log(`bench-web: no Web Worker in ${WEB}/core (the wasm core is not built): nothing to measure`);
    process.exitCode = 1;
    return;
  }
  const browser = await launch();
  const rows = [];
  try {
    for (const group of ['ristretto255', 'Ed25519', 'BELENIOS-2048']) {
      const e = election({ group, voters: 2, template: TEMPLATE });
      const s = await serve(e);
      try {
        const cred = credentialOf(e.creds[0]);
        const t1 = await timeBallot(browser, s, cred, 1);
        const t6 = await timeBallot(browser, s, cred, 6);
        const size = await transfer(browser, s);
        rows.push([group, (t1 / 1000).toFixed(2), (t6 / 1000).toFixed(2), (size / 1024).toFixed(0)]);
      } finally {
        await s.stop();
        fs.rmSync(e.dir, { recursive: true, force: true });
      }
    }
  } finally {
    await browser.close();
  }
  const head = ['group', 'ballot (s)', 'ballot at 6x CPU throttling (s)', 'booth transfer, compressed (KB)'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => '| ' + r.map((c, i) => (i ? c.padStart(w[i]) : c.padEnd(w[i]))).join(' | ') + ' |';
  console.log(`8-ciphertext ballot in the booth's Web Worker, median of ${RUNS}, chromium ${browser.version ? '' : ''}`);
  console.log(line(head));
  console.log('|' + w.map((n, i) => (i ? '-'.repeat(n + 1) + ':' : '-'.repeat(n + 2))).join('|') + '|');
  rows.forEach((r) => console.log(line(r)));
}

main().catch((err) => {
  console.error('bench-web: ' + err.stack);
  process.exitCode = 1;
});
