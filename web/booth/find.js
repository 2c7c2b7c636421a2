/* Find my ballot: a tracker or short code looked up on the board (GET …/ballots/TRACKER). */
'use strict';
(function () {
  const t = (k, p) => window.i18n.t(k, p);
  const $ = (id) => document.getElementById(id);
  const m = location.pathname.match(/^\/elections\/([A-Za-z0-9]+)\/find$/);
  const BASE = m ? '/elections/' + m[1] : '';
  let last = null;

  function line(cls, text) {
    const p = document.createElement('p');
    p.className = cls;
    p.textContent = text;
    return p;
  }

  function render() {
    const box = $('result');
    box.textContent = '';
    if (!last) return;
    const { query, status, body } = last;
    if (status === 'error') return box.append(line('notice warn', t('err_unreachable')));
    if (status === 404) return box.append(line('notice warn', t('find_notfound', { q: query })));
    if (status !== 200) return box.append(line('notice warn', t('find_bad', { q: query })));
    box.append(line('notice ok', t('find_found', { entry: body.entry })));
    if (body.code) box.append(line('shortcode', body.code));
    box.append(line('tracker', body.tracker));
    if (body.replaced_by) box.append(line('notice', t('find_replaced', { by: body.replaced_by })));
    else box.append(line('notice', body.counted ? t('find_counted') : t('find_not_counted')));
  }

  async function find(query) {
    query = query.trim();
    if (!query) return;
    let status, body;
    try {
      const r = await fetch(BASE + '/ballots/' + encodeURIComponent(query), { cache: 'no-store' });
      status = r.status;
      body = await r.json().catch(() => ({}));
    } catch (e) {
      status = 'error';
    }
    last = { query, status, body };
    render();
  }

  document.addEventListener('DOMContentLoaded', async () => {
    await window.i18n.ready;
    window.i18n.onChange(render);
    $('f-find').addEventListener('submit', (ev) => {
      ev.preventDefault();
      find($('i-tracker').value);
    });
    const code = new URLSearchParams(location.search).get('code');
    if (code) {
      $('i-tracker').value = code;
      find(code);
    }
  });
})();
