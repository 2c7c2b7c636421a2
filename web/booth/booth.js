/*
 * The voting booth (issue 8): election → credential → questions → review →
 * encryption in the Web Worker (web/core/worker.js, the project's C core in
 * WebAssembly) → optional Benaloh audit → cast → tracker. The contract with
 * the worker and the server is /work/notes/contract.md (docs/api.md).
 *
 * Secrets (the private credential, the choices, the audit record's
 * randomness) live only in the `secret` object and in the worker; nothing is
 * written to storage, cookies, the URL or history. Shared-device mode wipes
 * them all, terminates the worker and returns to the start.
 */
'use strict';
(function () {
  const t = (k, p) => window.i18n.t(k, p);
  const $ = (id) => document.getElementById(id);
  const m = location.pathname.match(/^\/elections\/([A-Za-z0-9]+)\/vote$/);
  const BASE = m ? '/elections/' + m[1] : '';
  const params = new URLSearchParams(location.search);
  const IDLE_S = Math.max(5, Number(params.get('idle')) || 120);

  let election = null; /* parsed election.json */
  let electionText = ''; /* as served: what the worker reads */
  let translations = null; /* {lang: {name, description, questions:[{question, answers}]}} */
  let head = null;
  let shared = params.get('shared') === '1';
  let worker = null;
  let nextId = 1;
  const pending = new Map();
  let idleTimer = null;
  let finishTimer = null;
  /* Everything about this voter: dropped on a wipe. */
  let secret = fresh();

  function fresh() {
    return {
      credential: null,
      pubcred: null,
      prior: null, /* {ballots, last} for this credential */
      q: 0,
      picks: [], /* per question: Set of answer indices */
      blank: [], /* per question: the voter chose blank */
      ballot: null, /* encrypted, not audited, not yet cast */
      tracker: null,
      audit: null,
      sending: false,
      cast: null, /* {tracker, code} */
    };
  }

  /* ---- screens and messages ---- */

  function show(id) {
    document.querySelectorAll('.screen').forEach((s) => {
      s.hidden = s.id !== id;
    });
    const h = $(id).querySelector('h1, h2');
    if (h) h.focus();
  }

  function say(key, params, detail) {
    const box = $('msg');
    box.textContent = key ? t(key, params) : '';
    if (key && detail) {
      const d = document.createElement('span');
      d.className = 'detail';
      d.textContent = detail;
      box.append(' ', d);
    }
    box.hidden = !key;
  }

  /* ---- the election's texts in the voter's language ---- */

  function texts() {
    const lang = window.i18n.lang();
    const tr = pickTranslation(translations, lang);
    const q = election.questions.map((q, i) => {
      const tq = tr && tr.questions && tr.questions[i];
      return {
        question: (tq && tq.question) || q.question,
        answers: q.answers.map((a, j) => (tq && tq.answers && tq.answers[j]) || a),
      };
    });
    return {
      name: (tr && tr.name) || election.name,
      description: (tr && tr.description) || election.description,
      questions: q,
    };
  }

  /* The translation for lang: exactly that tag, else the first of its regional tags (qu-PE). */
  function pickTranslation(all, lang) {
    if (!all) return null;
    if (all[lang]) return all[lang];
    const k = Object.keys(all).find((x) => x.startsWith(lang + '-'));
    return k ? all[k] : null;
  }

  /* Translations carried by election.json ("translations": {LANG: {name, description, questions}}). */
  function readTranslations(e) {
    if (e.translations && typeof e.translations === 'object') return e.translations;
    return null;
  }

  function renderStart() {
    if (!election) return;
    const x = texts();
    $('e-name').textContent = x.name;
    $('e-description').textContent = x.description || '';
    const st = $('e-state');
    const ph = window.i18n.phase(head);
    st.textContent = ph.text;
    st.className = ph.open ? 'notice' : 'notice warn';
    st.hidden = !ph.text;
  }

  /* ---- the worker ---- */

  function startWorker() {
    if (worker) return;
    worker = new Worker('/web/core/worker.js');
    worker.onmessage = (ev) => {
      const msg = ev.data;
      const p = pending.get(msg.id);
      if (!p) return;
      if (msg.progress) {
        if (p.progress) p.progress(msg.progress);
        return;
      }
      pending.delete(msg.id);
      p.resolve(msg);
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      pending.forEach((p) => p.resolve({ ok: false, error: 'internal', message: ev.message || 'worker' }));
      pending.clear();
      worker = null;
    };
  }

  function ask(op, fields, progress) {
    startWorker();
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, { resolve, progress });
      worker.postMessage(Object.assign({ id, op }, fields));
    });
  }

  let initDone = null;
  function init() {
    if (!initDone)
      initDone = ask('init', { election: electionText }).then((r) => {
        if (!r.ok) initDone = null;
        return r;
      });
    return initDone;
  }

  /* ---- start ---- */

  async function load() {
    await window.i18n.ready;
    if (!BASE) return say('err_not_found');
    let r;
    try {
      r = await fetch(BASE + '/election', { cache: 'no-cache' });
      if (!r.ok) return say('err_not_found');
      electionText = (await r.text()).replace(/\n$/, '');
      election = JSON.parse(electionText);
      translations = readTranslations(election);
      head = await fetch(BASE + '/head', { cache: 'no-store' }).then((x) => (x.ok ? x.json() : null));
    } catch (e) {
      return say('err_unreachable');
    }
    $('loading').hidden = true;
    renderStart();
    /* A board that does not take ballots now: said on the start screen, and no booth. */
    $('b-start').disabled = !window.i18n.phase(head).open;
  }

  function begin() {
    say(null);
    shared = shared || $('o-shared').checked;
    window.consultaNoRemember = shared;
    if (shared) touch();
    init(); /* the core loads while the voter types the credential */
    show('s-cred');
  }

  /* ---- credential ---- */

  async function submitCredential(ev) {
    ev.preventDefault();
    const input = $('i-cred');
    const text = input.value.trim();
    say(null);
    input.removeAttribute('aria-invalid');
    if (!text) {
      input.setAttribute('aria-invalid', 'true');
      return say('err_cred_empty');
    }
    const ir = await init();
    if (!ir.ok) return say('err_core', null, ir.message);
    const r = await ask('credential', { credential: text });
    if (!r.ok) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return say(r.error === 'credential_checksum' ? 'err_cred_checksum' : 'err_cred_format');
    }
    secret.credential = text;
    secret.pubcred = r.public_credential;
    input.value = '';
    lookupPrior();
    secret.q = 0;
    showQuestion();
  }

  /* Whether this credential already has a ballot on the board (public information). */
  async function lookupPrior() {
    try {
      const r = await fetch(BASE + '/credentials/' + encodeURIComponent(secret.pubcred), { cache: 'no-store' });
      secret.prior = r.ok ? await r.json() : null;
    } catch (e) {
      secret.prior = null;
    }
  }

  /* ---- questions ---- */

  function rule(q) {
    const min = q.min, max = q.max;
    let s;
    if (min === max && min === 1) s = t('rule_exactly_one');
    else if (min === max) s = t('rule_exactly', { n: min });
    else if (min === 0 && max === 1) s = t('rule_up_to_one');
    else if (min === 0) s = t('rule_up_to', { max });
    else s = t('rule_between', { min, max });
    if (q.blank) s += ' ' + t('rule_blank');
    return s;
  }

  function showQuestion() {
    const i = secret.q;
    const q = election.questions[i];
    const x = texts().questions[i];
    const picks = secret.picks[i] || new Set();
    const single = q.max === 1;
    $('q-count').textContent = t('question_of', { i: i + 1, n: election.questions.length });
    $('q-text').textContent = x.question;
    $('q-rule').textContent = rule(q);
    const box = $('q-answers');
    box.textContent = '';
    box.setAttribute('role', single ? 'radiogroup' : 'group');
    const add = (value, label, checked, extra) => {
      const id = 'a-' + i + '-' + value;
      const row = document.createElement('div');
      row.className = 'answer' + (extra ? ' ' + extra : '');
      const input = document.createElement('input');
      input.type = single ? 'radio' : 'checkbox';
      input.name = 'q' + i;
      input.id = id;
      input.value = String(value);
      input.checked = checked;
      input.addEventListener('change', () => exclusive(input));
      const lab = document.createElement('label');
      lab.htmlFor = id;
      lab.textContent = label;
      row.append(input, lab);
      box.appendChild(row);
    };
    x.answers.forEach((a, j) => add(j, a, picks.has(j) && !secret.blank[i]));
    if (q.blank) add('blank', t('blank_vote'), !!secret.blank[i], 'blank');
    show('s-question');
  }

  /* Blank excludes every answer, and an answer excludes blank. */
  function exclusive(input) {
    if (!input.checked) return;
    const all = $('q-answers').querySelectorAll('input');
    all.forEach((o) => {
      if (o !== input && (input.value === 'blank' || o.value === 'blank')) o.checked = false;
    });
  }

  function submitQuestion(ev) {
    ev.preventDefault();
    const i = secret.q;
    const q = election.questions[i];
    const checked = [...$('q-answers').querySelectorAll('input:checked')].map((x) => x.value);
    const blank = checked.includes('blank');
    const picks = new Set(checked.filter((v) => v !== 'blank').map(Number));
    say(null);
    if (!blank && (picks.size < q.min || picks.size > q.max)) {
      say(picks.size > q.max ? 'err_too_many' : 'err_too_few', { min: q.min, max: q.max });
      const first = $('q-answers').querySelector('input');
      if (first) first.focus();
      return;
    }
    secret.picks[i] = picks;
    secret.blank[i] = blank;
    if (i + 1 < election.questions.length) {
      secret.q = i + 1;
      showQuestion();
    } else {
      showReview();
    }
  }

  function questionBack() {
    say(null);
    if (secret.q === 0) return show('s-cred');
    secret.q--;
    showQuestion();
  }

  /* ---- review ---- */

  function describe(dl, picks, blank) {
    const x = texts();
    dl.textContent = '';
    election.questions.forEach((q, i) => {
      const dt = document.createElement('dt');
      dt.textContent = x.questions[i].question;
      const dd = document.createElement('dd');
      const chosen = [...(picks[i] || [])].sort((a, b) => a - b).map((j) => x.questions[i].answers[j]);
      if (blank[i]) dd.textContent = t('review_blank');
      else if (chosen.length === 0) dd.textContent = t('review_none');
      else dd.textContent = chosen.join(' · ');
      dl.append(dt, dd);
    });
  }

  function showReview() {
    describe($('review'), secret.picks, secret.blank);
    show('s-review');
  }

  /* choices as the core reads them: per question, blank first when allowed, then 0/1 per answer. */
  function choices() {
    return election.questions.map((q, i) => {
      const row = q.answers.map((a, j) => (secret.blank[i] ? 0 : secret.picks[i].has(j) ? 1 : 0));
      if (q.blank) row.unshift(secret.blank[i] ? 1 : 0);
      return row;
    });
  }

  /* ---- encryption ---- */

  async function encrypt() {
    say(null);
    discardBallot();
    show('s-encrypt');
    const bar = $('p-encrypt');
    bar.value = 0;
    $('p-label').textContent = t('progress', { p: 0 });
    const r = await ask('encrypt', { credential: secret.credential, choices: choices() }, (p) => {
      const pct = p.total ? Math.floor((100 * p.done) / p.total) : 0;
      bar.value = pct;
      $('p-label').textContent = t('progress', { p: pct });
    });
    if (!r.ok) {
      show('s-review');
      return say(r.error === 'choices' ? 'err_choices' : 'err_core', null, r.message);
    }
    bar.value = 100;
    secret.ballot = r.ballot;
    secret.tracker = r.tracker;
    secret.audit = r.audit;
    showReady();
  }

  function discardBallot() {
    secret.ballot = null;
    secret.tracker = null;
    secret.audit = null;
  }

  function showReady() {
    const rv = $('revote');
    const prior = secret.prior;
    if (prior && prior.ballots > 0) {
      rv.textContent = t('revote_warning', { when: when(prior.last) });
      rv.hidden = false;
    } else {
      rv.hidden = true;
    }
    $('auth').hidden = !(head && head.auth === 'code');
    show('s-ready');
  }

  function when(ts) {
    return ts === null || ts === undefined ? t('revote_unknown_time') : window.i18n.when(ts);
  }

  /* ---- the Benaloh audit: the ballot is opened, never cast ---- */

  async function audit() {
    say(null);
    const record = secret.audit;
    const picks = secret.picks.map((s) => new Set(s));
    const blank = secret.blank.slice();
    discardBallot(); /* from here on this ballot cannot be cast */
    $('audit-record').value = record;
    describe($('audit-choices'), picks, blank);
    const link = $('b-download');
    if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([record], { type: 'application/json' }));
    const res = $('audit-result');
    res.textContent = t('audit_checking');
    res.className = 'notice';
    show('s-audit');
    const r = await ask('audit-check', { audit: record });
    res.textContent = r.ok ? t('audit_ok') : t('audit_bad', { reason: r.message || r.error });
    res.className = r.ok ? 'notice ok' : 'notice warn';
  }

  async function copyAudit() {
    const ta = $('audit-record');
    try {
      await navigator.clipboard.writeText(ta.value);
      say('copied');
    } catch (e) {
      ta.focus();
      ta.select();
      say('copy_manual');
    }
  }

  function leaveAudit() {
    const link = $('b-download');
    if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
    link.href = '#';
    $('audit-record').value = '';
    $('audit-choices').textContent = '';
  }

  /* ---- casting: the same ballot is retried until the board answers ---- */

  let retryTimer = null;

  function submitCast(ev) {
    ev.preventDefault();
    say(null);
    if (!secret.ballot) return say('err_no_ballot');
    if (head && head.auth === 'code') {
      const login = $('i-login').value.trim(), code = $('i-code').value.trim();
      if (!login || !code) {
        (login ? $('i-code') : $('i-login')).focus();
        return say('err_auth_missing');
      }
      secret.login = login;
      secret.code = code;
    }
    cast();
  }

  async function cast() {
    if (secret.sending || !secret.ballot) return;
    clearTimeout(retryTimer);
    secret.sending = true;
    $('b-retry').hidden = true;
    $('b-back-ready').hidden = true;
    $('sending-text').textContent = t('sending_text');
    show('s-sending');
    const headers = { 'Content-Type': 'application/json' };
    if (secret.login) {
      headers['X-Consulta-Login'] = secret.login;
      headers['X-Consulta-Code'] = secret.code;
    }
    let r, body;
    try {
      r = await fetch(BASE + '/ballots', { method: 'POST', body: secret.ballot, headers, cache: 'no-store' });
      body = await r.json().catch(() => ({}));
    } catch (e) {
      r = null;
    }
    secret.sending = false;
    if (!r || r.status === 503 || r.status === 502 || r.status === 504) return unreachable();
    if (r.ok && body.tracker) return done(body);
    refused(r.status, body);
  }

  function unreachable() {
    $('sending-text').textContent = t('err_unreachable_retry');
    say('err_unreachable');
    $('b-retry').hidden = false;
    retryTimer = setTimeout(cast, 5000);
  }

  function refused(status, body) {
    const names = {
      auth: 'err_auth',
      code_used: 'err_code_used',
      wrong_credential: 'err_wrong_credential',
      state: 'err_state',
      verify: 'err_refused',
      invalid: 'err_refused',
      decode: 'err_refused',
      limit: 'err_refused',
    };
    const key = names[body.error] || 'err_refused';
    const authProblem = body.error === 'auth' || body.error === 'code_used';
    if (authProblem) {
      $('i-code').value = '';
      showReady();
      say(key);
      $('i-code').focus();
      return;
    }
    $('sending-text').textContent = '';
    $('b-back-ready').hidden = body.error !== 'state';
    say(key, null, body.message ? '(' + body.message + ')' : 'HTTP ' + status);
  }

  function done(body) {
    say(null);
    const tracker = body.tracker;
    secret.cast = { tracker, code: body.code || shortCode(tracker) };
    if (secret.tracker && secret.tracker !== tracker) say('err_tracker_mismatch');
    discardBallot();
    secret.credential = null;
    secret.code = null;
    $('i-code').value = '';
    $('i-login').value = '';
    $('d-tracker').textContent = tracker;
    $('d-code').textContent = secret.cast.code;
    $('d-find').href = 'find?code=' + encodeURIComponent(secret.cast.code);
    if (shared) {
      $('d-shared').textContent = t('shared_done', { s: 60 });
      $('d-shared').hidden = false;
      clearTimeout(finishTimer);
      finishTimer = setTimeout(wipe, 60000);
    }
    show('s-done');
  }

  /* The short code from the tracker when the server did not send it: first 40 bits, Crockford base32. */
  function shortCode(tracker) {
    const bin = atob(tracker.replace(/-/g, '+').replace(/_/g, '/'));
    const A = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    let bits = 0n;
    for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(bin.charCodeAt(i));
    let s = '';
    for (let i = 7; i >= 0; i--) s += A[Number((bits >> BigInt(5 * i)) & 31n)];
    return s.slice(0, 4) + '-' + s.slice(4);
  }

  /* ---- shared device: forget everything, start again ---- */

  async function wipe() {
    clearTimeout(idleTimer);
    clearTimeout(finishTimer);
    clearTimeout(retryTimer);
    if (worker) {
      const w = worker;
      await Promise.race([ask('wipe', {}), new Promise((res) => setTimeout(res, 500))]);
      w.terminate();
      worker = null;
      initDone = null;
      pending.clear();
    }
    secret = fresh();
    leaveAudit();
    document.querySelectorAll('input[type=text], textarea').forEach((el) => {
      el.value = '';
    });
    $('review').textContent = '';
    $('q-answers').textContent = '';
    $('d-tracker').textContent = '';
    $('d-code').textContent = '';
    $('d-shared').hidden = true;
    $('o-shared').checked = shared;
    const keep = new URLSearchParams({ shared: '1' });
    if (params.get('idle')) keep.set('idle', params.get('idle'));
    history.replaceState(null, '', location.pathname + '?' + keep.toString());
    await window.i18n.reset();
    say(null);
    renderStart();
    show('s-start');
  }

  function touch() {
    if (!shared) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(wipe, IDLE_S * 1000);
  }

  /* ---- wiring ---- */

  document.addEventListener('DOMContentLoaded', () => {
    $('b-start').disabled = true;
    $('o-shared').checked = shared;
    $('b-start').addEventListener('click', begin);
    $('f-cred').addEventListener('submit', submitCredential);
    $('f-question').addEventListener('submit', submitQuestion);
    $('f-cast').addEventListener('submit', submitCast);
    document.querySelector('#s-cred .back').addEventListener('click', () => {
      say(null);
      show('s-start');
    });
    document.querySelector('#s-question .back').addEventListener('click', questionBack);
    $('b-change').addEventListener('click', () => {
      secret.q = 0;
      showQuestion();
    });
    $('b-change2').addEventListener('click', () => {
      discardBallot();
      secret.q = 0;
      showQuestion();
    });
    $('b-encrypt').addEventListener('click', encrypt);
    $('b-audit').addEventListener('click', audit);
    $('b-copy').addEventListener('click', copyAudit);
    $('b-again').addEventListener('click', () => {
      leaveAudit();
      encrypt();
    });
    $('b-retry').addEventListener('click', cast);
    $('b-back-ready').addEventListener('click', () => {
      say(null);
      showReady();
    });
    $('b-finish').addEventListener('click', () => {
      if (shared) return wipe();
      secret = fresh();
      say(null);
      show('s-start');
    });
    ['pointerdown', 'keydown', 'input'].forEach((e) => document.addEventListener(e, touch, true));
    window.i18n.onChange(() => {
      renderStart();
      const visible = document.querySelector('.screen:not([hidden])');
      if (!visible || !election) return;
      if (visible.id === 's-question') {
        /* keep what the voter ticked, checked or not against the rules yet */
        const checked = [...$('q-answers').querySelectorAll('input:checked')].map((x) => x.value);
        secret.blank[secret.q] = checked.includes('blank');
        secret.picks[secret.q] = new Set(checked.filter((v) => v !== 'blank').map(Number));
        showQuestion();
      }
      else if (visible.id === 's-review') showReview();
      else if (visible.id === 's-cred' || visible.id === 's-start') say(null);
    });
    load();
  });
})();
