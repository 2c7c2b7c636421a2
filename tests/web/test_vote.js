/*
 * Whole votes through the booth in chromium, with the WebAssembly core in
 * its Web Worker and the real `consulta serve`:
 *  - ristretto255: a whole vote in each of the four languages (axe-core on
 *    every screen, screenshots of every step); an audit followed by a cast
 *    (the audited ballot is checked by `consulta audit-ballot` and never
 *    reaches the board); a revote (warned about, replaces the first); a
 *    mistyped and a malformed credential (refused before encryption); the
 *    server killed between encryption and cast and restarted (the booth
 *    keeps the ballot, retries, exactly one ballot results); shared-device
 *    mode (state wiped after casting and after inactivity); then the board
 *    verifies (`consulta verify`) and counts what the voters chose.
 *  - Ed25519: a vote, `consulta verify`, counted.
 *  - BELENIOS-2048: votes, `consulta export`, `belenios-tool election
 *    verify`, counted.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const L = require('./lib');
const { ok, eq, summary, election, serve, browser, page, credentialOf, ballotsOf, tally, run, sleep, hasWorker, shot, axe } = L;
const { vote } = require('./booth');

const cat = {};
for (const l of ['es', 'qu', 'ay', 'en']) cat[l] = JSON.parse(fs.readFileSync(path.join(L.ROOT, 'web', 'i18n', l + '.json'), 'utf8'));

const TEMPLATE = {
  name: 'Asamblea comunal 2026',
  description: 'Consulta de prueba de la cabina de votación.',
  questions: [
    { question: '¿Aprueba el estatuto?', answers: ['Sí', 'No'], blank: true, min: 1, max: 1 },
    { question: '¿Qué obras prefiere? (hasta dos)', answers: ['Agua potable', 'Camino', 'Escuela', 'Posta de salud'], min: 1, max: 2 },
  ],
  translations: {
    ay: {
      name: 'Ayllu tantachawi 2026',
      questions: [
        { question: '¿Estatuto iyawsañati?', answers: ['Jisa', 'Janiwa'] },
        { question: '¿Kuna luräwinaks munta? (paya kama)', answers: ['Uma', 'Thakhi', 'Yatiqañ uta', 'Qullañ uta'] },
      ],
    },
    en: {
      description: 'A trial vote of the voting booth.',
      name: 'Community assembly 2026',
      questions: [
        { question: 'Do you approve the statute?', answers: ['Yes', 'No'] },
        { question: 'Which works do you prefer? (up to two)', answers: ['Drinking water', 'Road', 'School', 'Health post'] },
      ],
    },
    qu: {
      name: 'Ayllu huñunakuy 2026',
      questions: [
        { question: '¿Estatutota chaskinkichu?', answers: ['Arí', 'Manan'] },
        { question: '¿Ima llamk’aykunata munanki? (iskaykama)', answers: ['Yaku', 'Ñan', 'Yachay wasi', 'Hampina wasi'] },
      ],
    },
  },
};

/* The expected result: per question, the count of each answer (blank first). */
function expected(votes, questions) {
  const res = questions.map((q) => new Array(q.answers.length + (q.blank ? 1 : 0)).fill(0));
  for (const v of votes)
    v.forEach((a, i) => {
      const off = questions[i].blank ? 1 : 0;
      if (a === 'blank') res[i][0]++;
      else a.forEach((j) => res[i][j + off]++);
    });
  return res;
}

async function ristretto(ctx) {
  const e = election({ voters: 10, template: TEMPLATE });
  let s = await serve(e);
  const creds = e.creds.map(credentialOf);
  const counted = []; /* the choices that must count */
  try {
    const p = await page(ctx);
    /* A whole vote in each language. */
    const langs = ['es', 'qu', 'ay', 'en'];
    const trackers = [];
    for (let i = 0; i < 4; i++) {
      const answers = [i === 2 ? 'blank' : [i % 2], [i % 4, (i + 1) % 4]];
      const r = await vote(p, { base: s.base, lang: langs[i], credential: creds[i], answers, tag: `vote-${langs[i]}`, axe: true });
      ok(/^[A-Za-z0-9+/]{43}$/.test(r.tracker), `${langs[i]}: tracker ${r.tracker}`);
      ok(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/.test(r.code), `${langs[i]}: short code ${r.code}`);
      eq(await p.locator('#s-done h2').textContent(), cat[langs[i]].done_title, `${langs[i]}: done screen in ${langs[i]}`);
      const tr = TEMPLATE.translations[langs[i]];
      const shown = r.texts;
      eq(shown, [(tr || TEMPLATE).name, (tr ? tr.questions : TEMPLATE.questions)[1].question, (tr ? tr.questions : TEMPLATE.questions)[1].answers[Math.min(i % 4, (i + 1) % 4)]], `${langs[i]}: election texts in the voter's language`);
      eq(r.revote, null, `${langs[i]}: no revote warning on a first vote`);
      trackers.push(r);
      counted[i] = answers;
      /* The find page finds it, by short code. */
      await p.locator('#d-find').click();
      await p.waitForFunction(() => document.getElementById('result').textContent !== '');
      ok((await p.locator('#result').textContent()).includes(r.tracker), `${langs[i]}: the find page shows the tracker`);
      await shot(p, `vote-${langs[i]}-9-find`);
      if (i === 0) eq(await axe(p), [], 'axe: find page with a result');
    }
    const onBoard = await ballotsOf(s);
    eq(onBoard.map((b) => b.tracker).sort(), trackers.map((r) => r.tracker).sort(), 'the four ballots are on the board');

    /* Audit, then cast: the audited ballot never reaches the board. */
    const auditPath = path.join(e.dir, 'audit.json');
    const a = await vote(p, { base: s.base, lang: 'es', credential: creds[4], answers: [[1], [2]], audit: true, tag: 'audit', axe: true });
    ok(a.audit && /\bok\b/.test(a.audit.result), 'audit: the page checks the audit record');
    fs.writeFileSync(auditPath, a.audit ? a.audit.record : '');
    try {
      run(['audit-ballot', auditPath, '--dir', e.dir]);
      ok(true, 'audit-ballot');
    } catch (err) {
      try {
        run(['audit-ballot', auditPath]);
        ok(true, 'audit-ballot');
      } catch (err2) {
        ok(false, 'consulta audit-ballot refuses the page\'s audit record: ' + (err2.stderr || err2.message));
      }
    }
    const audited = JSON.parse(a.audit.record);
    const auditedText = typeof audited.ballot === 'string' ? audited.ballot : JSON.stringify(audited.ballot);
    const boardNow = await ballotsOf(s);
    ok(!boardNow.some((b) => JSON.stringify(b.ballot) === JSON.stringify(JSON.parse(auditedText))), 'the audited ballot is not on the board');
    ok(boardNow.some((b) => b.tracker === a.tracker), 'the ballot encrypted after the audit is on the board');
    counted[4] = [[1], [2]];

    /* A revote with voter 0's credential: warned, then replaces the first. */
    const rv = await vote(p, { base: s.base, lang: 'en', credential: creds[0], answers: [[1], [3]], tag: 'revote', axe: true, skipStart: true });
    ok(rv.revote && rv.revote.includes('replaces'), `revote: the booth warns before casting: ${rv.revote}`);
    counted[0] = [[1], [3]];

    /* A mistyped credential (the checksum catches it) and a malformed one: nothing encrypted. */
    const mistyped = creds[5].replace(/[a-km-zA-HJ-NP-Z1-9](?=[^-]*$)/, (c) => (c === 'z' ? 'y' : 'z'));
    await p.goto(`${s.base}/vote`);
    await p.waitForFunction(() => !document.getElementById('b-start').disabled);
    await p.locator('#b-start').click();
    for (const [bad, key] of [
      [mistyped, 'err_cred_checksum'],
      ['hola', 'err_cred_format'],
    ]) {
      await p.locator('#i-cred').fill(bad);
      await p.locator('#f-cred button[type=submit]').click();
      await p.waitForFunction(() => !document.getElementById('msg').hidden, null, { timeout: 60000 });
      const lang = await p.evaluate(() => document.documentElement.lang);
      eq(await p.locator('#msg').textContent(), cat[lang][key], `credential ${bad}: ${key} (${lang})`);
      eq(await p.locator('#i-cred').getAttribute('aria-invalid'), 'true', `credential ${bad}: marked invalid`);
      ok(await p.locator('#s-cred').isVisible(), `credential ${bad}: stays on the credential screen`);
    }
    await shot(p, 'credential-mistyped');
    eq(await axe(p), [], 'axe: credential error');

    /* The server killed after encryption, restarted: the booth retries the same ballot; one ballot results. */
    const before = (await ballotsOf(s)).length;
    const port = s.port;
    const killed = await vote(p, {
      base: s.base,
      lang: 'es',
      credential: creds[6],
      answers: [[0], [0]],
      tag: 'unreachable',
      noWait: true,
      beforeCast: async () => {
        await s.stop('SIGKILL');
      },
    });
    await p.waitForFunction(() => !document.getElementById('b-retry').hidden, null, { timeout: 30000 });
    eq(await p.locator('#msg').textContent(), cat.es.err_unreachable, 'server down: unreachable message');
    await shot(p, 'unreachable-1-retrying');
    eq(await axe(p), [], 'axe: unreachable');
    await p.locator('#b-retry').click(); /* still down: fails again, keeps the ballot */
    await p.waitForFunction(() => !document.getElementById('b-retry').hidden, null, { timeout: 30000 });
    s = await serve(e, { port });
    await p.locator('#b-retry').click();
    await p.waitForSelector('#s-done:not([hidden])', { timeout: 30000 });
    await shot(p, 'unreachable-2-done');
    await sleep(6000); /* a pending automatic retry would fire now */
    const after = await ballotsOf(s);
    eq(after.length, before + 1, 'server restarted: exactly one ballot more');
    counted[6] = [[0], [0]];
    ok(killed !== undefined, 'unreachable flow ran');

    /* Shared device: after casting, Finish wipes everything; inactivity wipes too. */
    await p.goto(`${s.base}/vote?shared=1&idle=6`);
    const sh = await vote(p, { base: s.base, query: '?shared=1&idle=6', lang: 'qu', credential: creds[7], answers: [[0], [1, 2]], tag: 'shared' });
    counted[7] = [[0], [1, 2]];
    ok((await p.locator('#d-shared').textContent()).length > 0, 'shared: the done screen says it will be erased');
    await p.locator('#b-finish').click();
    await p.waitForSelector('#s-start:not([hidden])');
    eq(await p.evaluate(() => [localStorage.length, sessionStorage.length, document.documentElement.lang]), [0, 0, 'es'], 'shared: storage wiped, back to Spanish');
    eq(await p.evaluate(() => [...document.querySelectorAll('input[type=text], textarea')].map((x) => x.value).join('')), '', 'shared: every field empty');
    eq(await p.evaluate(() => document.getElementById('d-tracker').textContent + document.getElementById('review').textContent), '', 'shared: nothing of the previous voter shown');
    ok(!(await p.evaluate(() => location.href)).includes(sh.tracker), 'shared: nothing in the URL');
    await shot(p, 'shared-wiped');
    await p.locator('#b-start').click();
    await p.locator('#i-cred').fill(creds[8]);
    await sleep(8000);
    ok(await p.locator('#s-start').isVisible(), 'shared: inactivity returns to the start');
    eq(await p.locator('#i-cred').inputValue(), '', 'shared: inactivity wipes the credential');

    /* Nothing secret stored, in the URL or in the history. */
    const html = await p.evaluate(() => location.href + JSON.stringify(localStorage) + document.cookie + history.length);
    ok(!creds.some((c) => html.includes(c)), 'no credential in the URL, storage or cookies');

    /* The ballot box closed while a voter was encrypting: the cast is refused, said in the voter's language. */
    await vote(p, {
      base: s.base,
      lang: 'ay',
      credential: creds[9],
      answers: [[0], [0]],
      noWait: true,
      beforeCast: async () => {
        eq((await L.req(`${s.base}/close`, 'POST', '', L.token(e, 'admin'))).status, 200, 'close while a voter encrypts');
      },
    });
    await p.waitForFunction(() => !document.getElementById('msg').hidden, null, { timeout: 30000 });
    ok((await p.locator('#msg').textContent()).startsWith(cat.ay.err_state), 'closed: err_state in Aymara');
    await shot(p, 'closed-at-cast');
    await p.goto(`${s.base}/vote`);
    await p.waitForFunction(() => !document.getElementById('e-state').hidden);
    eq(await p.locator('#b-start').isDisabled(), true, 'closed: the booth does not start');
    await shot(p, 'closed-start');

    const v = run(['verify', s.base]);
    ok(/verif/i.test(v), 'consulta verify over HTTP');
    const t = await tally(e, s, { closed: true });
    eq(t.steps, [200, 200, 200], 'tally, decrypt, result');
    eq(t.result, expected(counted.filter(Boolean), TEMPLATE.questions), 'the count is what the voters chose');
    run(['verify', s.base]);
    ok(true, 'consulta verify after the result');
  } finally {
    await s.stop();
  }
}

async function otherGroup(ctx, group) {
  const e = election({ group, voters: 3, template: TEMPLATE });
  const s = await serve(e);
  try {
    const p = await page(ctx);
    const creds = e.creds.map(credentialOf);
    const votes = [
      ['blank', [0, 3]],
      [[0], [1]],
    ];
    for (let i = 0; i < votes.length; i++) {
      const r = await vote(p, { base: s.base, lang: 'es', credential: creds[i], answers: votes[i], tag: i === 0 ? `group-${group}` : null });
      ok(r.tracker.length === 43, `${group}: ballot ${i + 1} cast`);
    }
    const t = await tally(e, s);
    eq(t.result, expected(votes, TEMPLATE.questions), `${group}: counted as chosen`);
    run(['verify', s.base]);
    ok(true, `${group}: consulta verify`);
    if (group === 'BELENIOS-2048') {
      const out = path.join(e.dir, 'export');
      run(['export', '--dir', e.dir, '--out', out]);
      try {
        execFileSync('belenios-tool', ['election', 'verify', '--dir', out], { stdio: 'pipe', env: Object.assign({}, process.env, { BELENIOS_USE_URANDOM: '1' }) });
        ok(true, 'belenios-tool verifies the ballots made in the page');
      } catch (err) {
        ok(false, 'belenios-tool election verify: ' + (err.stderr || err.message));
      }
    }
    eq(p.problems, [], `${group}: no console error`);
  } finally {
    await s.stop();
  }
}

/* Voter authentication: login and one-time code; wrong code, used code, another voter's credential. */
async function withAuth(ctx) {
  const e = election({ voters: 3, template: TEMPLATE, auth: true, codes: 2 });
  const s = await serve(e);
  try {
    const p = await page(ctx);
    const cred = {};
    for (const line of e.creds) cred[line.split(/\s+/)[0]] = credentialOf(line);
    const [c1a, c1b] = e.logins.votante1;
    const expectError = async (what, key, o) => {
      await vote(p, Object.assign({ base: s.base, lang: 'es', answers: [[0], [1]], noWait: true }, o));
      await p.waitForFunction(() => !document.getElementById('msg').hidden, null, { timeout: 30000 });
      eq(await p.locator('#msg').textContent().then((x) => x.startsWith(cat.es[key])), true, `${what}: ${key} (${await p.locator('#msg').textContent()})`);
    };
    /* A wrong code: refused, the voter stays on the cast screen with the ballot kept, then the right code works. */
    await expectError('wrong one-time code', 'err_auth', { credential: cred.votante1, login: 'votante1', code: '0000-0000-0000', tag: 'auth-wrong-code' });
    ok(await p.locator('#s-ready').isVisible(), 'wrong code: back on the cast screen');
    eq(await p.locator('#i-code').inputValue(), '', 'wrong code: the code field is emptied');
    await shot(p, 'auth-wrong-code-message');
    eq(await axe(p), [], 'axe: wrong code');
    await p.locator('#i-code').fill(c1a);
    await p.locator('#b-cast').click();
    await p.waitForSelector('#s-done:not([hidden])', { timeout: 30000 });
    ok(true, 'right code after a wrong one: cast');
    /* The same code again, for a revote: already used. */
    await expectError('used code', 'err_code_used', { credential: cred.votante1, login: 'votante1', code: c1a });
    /* Another voter's credential with this login. */
    await expectError('credential of another login', 'err_wrong_credential', { credential: cred.votante2, login: 'votante1', code: c1b });
    const n = (await ballotsOf(s)).length;
    eq(n, 1, 'refused ballots are not on the board');
    /* The revote with a fresh code: warned, accepted. */
    const rv = await vote(p, { base: s.base, lang: 'es', credential: cred.votante1, answers: [[1], [0, 1]], login: 'votante1', code: c1b, tag: 'auth-revote' });
    ok(rv.revote && rv.revote.length > 0, 'auth: revote warned');
    eq((await ballotsOf(s)).length, 2, 'auth: the revote is on the board');
    run(['verify', s.base]);
    ok(true, 'auth: consulta verify');
  } finally {
    await s.stop();
  }
}

async function main() {
  if (!hasWorker()) {
    console.log(`  (skipped: no Web Worker in ${L.WEB}/core: the wasm core is not built)`);
    return;
  }
  const { ctx, close } = await browser();
  try {
    await ristretto(ctx);
    await withAuth(ctx);
    await otherGroup(ctx, 'Ed25519');
    /* The finite-field core (GMP for wasm) is built by make web-ff only. */
    if (fs.existsSync(path.join(L.WEB, 'core', 'consulta-core-ff.js'))) await otherGroup(ctx, 'BELENIOS-2048');
    else console.log('  (BELENIOS-2048 skipped: no consulta-core-ff.js: make web-ff builds it)');
  } finally {
    await close();
  }
}

main()
  .catch((err) => ok(false, 'exception: ' + err.stack))
  .finally(() => summary('vote'));
