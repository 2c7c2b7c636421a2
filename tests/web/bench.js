/*
 * make bench-web: in Debian's chromium, the time the booth's Web Worker
 * takes to make a ballot of 8 ciphertexts (one question, 8 answers) for each
 * group, and the compressed size of everything the booth transfers for a curve
 * and a finite-field election (pages, scripts, catalogue, worker, core).
 * Prints a table.
 *
 * DevTools' CPU throttling (Emulation.setCPUThrottlingRate) applies to pages
 * only: Chromium refuses it on a worker target ("Operation is only supported
 * for pages, not workers"). So the same worker.js and core are also run on
 * the page's main thread (the page's CSP bypassed for the benchmark only,
 * worker.js's postMessage answered in the page), unthrottled and at 6x: the
 * 6x column is that; the first column is the booth's real Web Worker.
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

/* worker.js's answers, whether it runs in a Worker or in the page. */
const ASK = `
  window.benchAsk = (msg) => new Promise((res) => {
    const on = (ev) => {
      if (ev.data.id === msg.id && !ev.data.progress) {
        window.benchTarget.removeEventListener('message', on);
        res(ev.data);
      }
    };
    window.benchTarget.addEventListener('message', on);
    window.benchSend(msg);
  });`;

/* A page ready to encrypt: the booth's Worker (where 'worker') or worker.js on the main thread ('main'). */
async function ready(browser, s, where, group) {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 640 }, bypassCSP: where === 'main' });
  const page = await ctx.newPage();
  await page.goto(`${s.base}/vote`);
  if (where === 'worker') {
    await page.evaluate(`window.benchTarget = new Worker('/web/core/worker.js');
      window.benchSend = (m) => window.benchTarget.postMessage(m);` + ASK);
  } else {
    await page.evaluate(`window.benchTarget = new EventTarget();
      window.postMessage = (data) => window.benchTarget.dispatchEvent(Object.assign(new Event('message'), { data }));
      window.benchSend = (m) => window.onmessage({ data: m });` + ASK);
    const core = ['ristretto255', 'Ed25519'].includes(group) ? 'consulta-core.js' : 'consulta-core-ff.js';
    await page.addScriptTag({ url: '/web/core/' + core });
    await page.addScriptTag({ url: '/web/core/worker.js' });
  }
  await page.evaluate(async () => {
    const election = (await (await fetch(location.pathname.replace(/vote$/, 'election'))).text()).replace(/\n$/, '');
    const r = await window.benchAsk({ id: 1, op: 'init', election });
    if (!r.ok) throw new Error('init: ' + r.message);
  });
  return { ctx, page };
}

/* Median time (ms) of 'encrypt' for an 8-ciphertext ballot, RUNS times, the CPU throttled rate times. */
async function timeBallot(browser, s, group, cred, where, rate) {
  const { ctx, page } = await ready(browser, s, where, group);
  if (rate > 1) {
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  }
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
  const version = browser.version();
  const rows = [];
  try {
    const ff = fs.existsSync(require('path').join(WEB, 'core', 'consulta-core-ff.js'));
    if (!ff) console.log('(BELENIOS-2048 not measured: no consulta-core-ff.js; make web-ff builds it)');
    for (const group of ['ristretto255', 'Ed25519', ...(ff ? ['BELENIOS-2048'] : [])]) {
      const e = election({ group, voters: 2, template: TEMPLATE });
      const s = await serve(e);
      try {
        const cred = credentialOf(e.creds[0]);
        const tw = await timeBallot(browser, s, group, cred, 'worker', 1);
        const tm = await timeBallot(browser, s, group, cred, 'main', 1);
        const t6 = await timeBallot(browser, s, group, cred, 'main', 6);
        const size = await transfer(browser, s);
        rows.push([group, (tw / 1000).toFixed(2), (tm / 1000).toFixed(2), (t6 / 1000).toFixed(2), (size / 1024).toFixed(0)]);
      } finally {
        await s.stop();
        fs.rmSync(e.dir, { recursive: true, force: true });
      }
    }
  } finally {
    await browser.close();
  }
  const head = ['group', 'in the Web Worker (s)', 'main thread (s)', 'main thread, CPU 6x slower (s)', 'booth transfer, gzip (KB)'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => '| ' + r.map((c, i) => (i ? c.padStart(w[i]) : c.padEnd(w[i]))).join(' | ') + ' |';
  console.log(`8-ciphertext ballot (one question, 8 answers), median of ${RUNS}, chromium ${version}, ${require('os').cpus()[0].model}`);
  console.log(line(head));
  console.log('|' + w.map((n, i) => (i ? '-'.repeat(n + 1) + ':' : '-'.repeat(n + 2))).join('|') + '|');
  rows.forEach((r) => console.log(line(r)));
}

main().catch((err) => {
  console.error('bench-web: ' + err.stack);
  process.exitCode = 1;
});
