/*
 * The booth's message catalogues (web/i18n/LANG.json): the voter's language,
 * remembered in localStorage (the only thing the booth stores), the
 * language bar, and t(key, {name: value}) for the scripts.
 */
'use strict';
(function () {
  const LANGS = [
    ['es', 'Español'],
    ['qu', 'Runasimi'],
    ['ay', 'Aymar aru'],
    ['en', 'English'],
  ];
  const STORE_KEY = 'consulta.lang';
  let lang = 'es';
  let messages = {};
  const listeners = [];

  function stored() {
    try {
      const v = localStorage.getItem(STORE_KEY);
      return LANGS.some((l) => l[0] === v) ? v : null;
    } catch (e) {
      return null;
    }
  }

  function t(key, params) {
    let s = Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : key;
    if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
    return s;
  }

  function apply(root) {
    root.querySelectorAll('[data-i18n]').forEach((el) => {
      el.textContent = t(el.getAttribute('data-i18n'));
    });
    root.querySelectorAll('[data-i18n-label]').forEach((el) => {
      el.setAttribute('aria-label', t(el.getAttribute('data-i18n-label')));
    });
    document.documentElement.lang = lang;
    document.querySelectorAll('.langs button').forEach((b) => {
      b.setAttribute('aria-pressed', b.dataset.lang === lang ? 'true' : 'false');
    });
  }

  async function load(code) {
    const r = await fetch('/web/i18n/' + code + '.json', { cache: 'no-cache' });
    if (!r.ok) throw new Error('catalogue ' + code + ': HTTP ' + r.status);
    messages = await r.json();
    lang = code;
    apply(document);
    listeners.forEach((f) => f(code));
  }

  async function choose(code, remember) {
    await load(code);
    if (remember) {
      try {
        localStorage.setItem(STORE_KEY, code);
      } catch (e) {
        /* private mode: not remembered */
      }
    }
  }

  function bar() {
    const nav = document.querySelector('.langs');
    if (!nav) return;
    nav.textContent = '';
    LANGS.forEach(([code, name]) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.lang = code;
      b.dataset.lang = code;
      b.textContent = name;
      b.addEventListener('click', () => choose(code, !window.consultaNoRemember));
      nav.appendChild(b);
    });
  }

  /* A Unix time in the voter's language (Quechua and Aymara dates in Spanish, as spoken). */
  function when(ts) {
    const d = new Date(Number(ts) * 1000);
    try {
      return d.toLocaleString(lang === 'qu' || lang === 'ay' ? 'es' : lang, { dateStyle: 'long', timeStyle: 'short' });
    } catch (e) {
      return d.toISOString();
    }
  }

  /* What the board's head says about voting now: {text, open} (text '' when nothing to say). */
  function phase(head) {
    if (!head) return { text: '', open: true };
    const st = head.state || (head.ballots_closed ? 'closed' : 'open');
    if (st === 'scheduled')
      return { text: head.opens ? t('state_opens', { when: when(head.opens) }) : t('err_not_open'), open: false };
    if (st !== 'open') return { text: t('err_closed'), open: false };
    return { text: head.closes ? t('state_closes', { when: when(head.closes) }) : '', open: true };
  }

  window.i18n = {
    t,
    when,
    phase,
    apply,
    choose,
    lang: () => lang,
    langs: LANGS.map((l) => l[0]),
    onChange: (f) => listeners.push(f),
    /* Forget the remembered language (shared-device wipe) and go back to Spanish. */
    reset: async () => {
      try {
        localStorage.clear();
        sessionStorage.clear();
      } catch (e) {
        /* nothing stored */
      }
      await load('es');
    },
    ready: (async () => {
      bar();
      await load(stored() || 'es');
    })(),
  };
})();
