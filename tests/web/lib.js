/*
 * Shared by the booth's browser tests (tests/web/test_*.js) and the
 * benchmark (bench.js): elections made with the real consulta CLI, the real
 * `consulta serve` on loopback, Debian's chromium driven by playwright-core,
 * and the counters behind the closing "N passed, N failed" line.
 */
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');

const C = process.env.CNS_BIN;
const WEB = process.env.CNS_WEB || require('path').resolve(__dirname, '..', '..', 'build', 'web');
const TD = process.env.CNS_TESTDATA;
if (!C || !WEB || !TD) throw new Error('CNS_BIN, CNS_WEB and CNS_TESTDATA are needed');
const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'build', 'web-test', 'screenshots');

/* ---- counters ---- */
const counts = { passed: 0, failed: 0 };
function ok(cond, what) {
  if (cond) counts.passed++;
  else {
    counts.failed++;
    console.log('FAIL: ' + what);
  }
  return !!cond;
}
function eq(got, want, what) {
  return ok(JSON.stringify(got) === JSON.stringify(want), `${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}
/* The summary, indented so that only tests/web.sh's total is counted by tests/run. */
function summary(name) {
  console.log(`  ${name}: ${counts.passed} passed, ${counts.failed} failed`);
  process.exitCode = counts.failed ? 1 : 0;
}

function tmpdir(tag) {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cns-web-' + tag + '-'));
}

function run(args, opts = {}) {
  return execFileSync(C, args, Object.assign({ encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }, opts));
}

/*
 * An election made with the CLI in a fresh folder: `voters` credentials,
 * one trustee, questions from `template` (a path or an object). Returns
 * {dir, uuid, creds: [private credential lines]}.
 */
function election({ group = 'ristretto255', voters = 6, template, auth = false, codes = 3, init = [] } = {}) {
  const dir = tmpdir(group.replace(/[^a-z0-9]/gi, ''));
  let tpl = template || path.join(TD, 'belenios-2.0-ff', 'questions.json');
  if (typeof tpl === 'object') {
    fs.writeFileSync(path.join(dir, 'questions.json'), JSON.stringify(tpl));
    tpl = path.join(dir, 'questions.json');
  }
  const uuid = run(['uuid']).trim();
  if (auth) {
    const list = ['login,name'];
    for (let i = 1; i <= voters; i++) list.push(`votante${i},Votante ${i}`);
    fs.writeFileSync(path.join(dir, 'voters.csv'), list.join('\n') + '\n');
    run(['credentials', '--uuid', uuid, '--voters', path.join(dir, 'voters.csv'), '--group', group, '--dir', dir]);
  } else {
    run(['credentials', '--uuid', uuid, '--count', String(voters), '--group', group, '--dir', dir]);
  }
  run(['trustee', 'keygen', '--group', group, '--dir', dir]);
  const pub = fs.readdirSync(dir).filter((f) => f.endsWith('.pubkey'));
  fs.writeFileSync(path.join(dir, 'public_keys.jsons'), pub.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join(''));
  run(['trustee', 'make', '--group', group, '--dir', dir]);
  run(['election-make', '--uuid', uuid, '--group', group, '--template', tpl, '--dir', dir]);
  if (auth) run(['serve', '--init', '--dir', dir, '--voters', path.join(dir, 'bindings.csv'), '--codes', String(codes), ...init]);
  else run(['serve', '--init', '--dir', dir, '--no-voter-auth', ...init]);
  const creds = fs
    .readFileSync(path.join(dir, 'private_creds.txt'), 'utf8')
    .split('\n')
    .filter(Boolean);
  /* codes.csv: "login,code1,…" per voter (after a header, if any). */
  const logins = {};
  if (auth)
    for (const line of fs.readFileSync(path.join(dir, 'codes.csv'), 'utf8').split('\n').filter(Boolean)) {
      const [login, ...cs] = line.split(',');
      if (login !== 'login') logins[login] = cs;
    }
  return { dir, uuid, creds, group, logins };
}

/* The private credential as the voter types it: the last field of a private_creds.txt line. */
function credentialOf(line) {
  const f = line.trim().split(/\s+/);
  return f[f.length - 1];
}

/* `consulta serve` on a free loopback port: {url, base, stop(), proc}. */
async function serve(e, { web = WEB, port = 0, extra = [] } = {}) {
  const portFile = path.join(e.dir, 'port');
  try {
    fs.unlinkSync(portFile);
  } catch (err) {
    /* none yet */
  }
  const args = ['serve', '--dir', e.dir, '--port', String(port), '--port-file', portFile, '--web', web, ...extra];
  const log = fs.openSync(path.join(e.dir, 'serve.log'), 'a');
  const proc = spawn(C, args, { stdio: ['ignore', log, log] });
  for (let i = 0; i < 300; i++) {
    if (fs.existsSync(portFile) && fs.readFileSync(portFile, 'utf8').trim()) break;
    if (proc.exitCode !== null) throw new Error('consulta serve exited: ' + fs.readFileSync(path.join(e.dir, 'serve.log'), 'utf8'));
    await sleep(50);
  }
  const p = Number(fs.readFileSync(portFile, 'utf8').trim());
  const s = {
    port: p,
    url: `http://127.0.0.1:${p}`,
    base: `http://127.0.0.1:${p}/elections/${e.uuid}`,
    proc,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill(signal);
      }),
  };
  return s;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* A raw GET (the path sent exactly as given: no normalisation). */
function raw(port, method, p, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/* Debian's chromium, headless, with a fresh profile. */
async function browser() {
  const { chromium } = require('playwright-core');
  const profile = tmpdir('profile');
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: 'es-PE',
    timezoneId: 'UTC',
  });
  const close = async () => {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { ctx, close };
}

/* A page that records console errors, CSP violations and failed requests. */
async function page(ctx) {
  const p = await ctx.newPage();
  p.problems = [];
  /* Failed loads are judged by their URL: a 404 from a lookup is an answer, not a problem. */
  p.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) p.problems.push('console: ' + m.text());
  });
  p.on('response', (r) => {
    if (r.status() >= 400 && !/\/(ballots|credentials)\/[^/]+$|\/ballots$/.test(r.url())) p.problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  p.on('pageerror', (err) => p.problems.push('page error: ' + err.message));
  return p;
}

let shotN = 0;
async function shot(p, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  shotN++;
  await p.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: true });
}

/* axe-core in the page: the serious and critical violations (ids and targets). */
async function axe(p) {
  const src = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  /* The page's CSP forbids inline scripts: run axe through the DevTools protocol instead. */
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('Runtime.evaluate', { expression: src });
  const r = await cdp.send('Runtime.evaluate', {
    expression: 'axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))}))))',
    awaitPromise: true,
    returnByValue: true,
  });
  await cdp.detach();
  if (r.exceptionDetails) return [{ id: 'axe-error', impact: 'critical', nodes: [r.exceptionDetails.text] }];
  return JSON.parse(r.result.value).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

function hasWorker() {
  return fs.existsSync(path.join(WEB, 'core', 'worker.js'));
}

module.exports = { C, WEB, TD, ROOT, SHOTS, ok, eq, summary, counts, tmpdir, run, election, credentialOf, serve, sleep, raw, browser, page, shot, axe, hasWorker };

/* ---- the board over HTTP, as the administrator and the trustee ---- */

function token(e, role) {
  const line = fs
    .readFileSync(path.join(e.dir, 'tokens.txt'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(role + ' '));
  return line.split(' ').pop();
}

async function req(url, method = 'GET', body, bearer, headers = {}) {
  const h = Object.assign({}, headers);
  if (bearer) h.Authorization = 'Bearer ' + bearer;
  const r = await fetch(url, { method, body, headers: h });
  const buf = Buffer.from(await r.arrayBuffer());
  return { status: r.status, body: buf, text: buf.toString(), json: () => JSON.parse(buf.toString()) };
}

/* Every ballot on the board: [{entry, tracker, ballot}]. */
async function ballotsOf(s) {
  const all = [];
  let after = 0;
  for (;;) {
    const r = (await req(`${s.base}/ballots?after=${after}&limit=1000`)).json();
    all.push(...r.ballots);
    if (r.next === null) return all;
    after = r.next;
  }
}

/* Close, tally, decrypt (the one trustee), publish: the result's JSON. */
async function tally(e, s, { closed = false } = {}) {
  const admin = token(e, 'admin');
  const trustee = fs
    .readFileSync(path.join(e.dir, 'tokens.txt'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('trustee 1 '))
    .split(' ')
    .pop();
  const steps = [];
  if (!closed) steps.push((await req(`${s.base}/close`, 'POST', '', admin)).status);
  steps.push((await req(`${s.base}/tally`, 'POST', '', admin)).status);
  const tdir = path.join(e.dir, 'trustee');
  fs.mkdirSync(tdir, { recursive: true });
  fs.writeFileSync(path.join(tdir, e.uuid + '.bel'), (await req(`${s.base}/archive`)).body);
  const key = fs.readdirSync(e.dir).find((f) => f.endsWith('.privkey'));
  const partial = run(['decrypt', '--dir', tdir, '--privkey', path.join(e.dir, key)]);
  steps.push((await req(`${s.base}/partial_decryptions`, 'POST', partial, trustee)).status);
  steps.push((await req(`${s.base}/result`, 'POST', '', admin)).status);
  const r = await req(`${s.base}/result`);
  return { steps, result: r.status === 200 ? r.json().result : null };
}

module.exports.token = token;
module.exports.req = req;
module.exports.ballotsOf = ballotsOf;
module.exports.tally = tally;
