/* The election's start page: its name and description in the voter's language, links to the booth and the find page. */
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const m = location.pathname.match(/^\/elections\/([A-Za-z0-9]+)\/$/);
  const BASE = m ? '/elections/' + m[1] : '';
  let election = null;
  let head = null;

  function render() {
    if (!election) return;
    const all = election.translations || {};
    const lang = window.i18n.lang();
    const tr = all[lang] || all[Object.keys(all).find((x) => x.startsWith(lang + '-'))];
    $('e-name').textContent = (tr && tr.name) || election.name;
    $('e-description').textContent = (tr && tr.description) || election.description || '';
    const st = $('e-state');
    const ph = window.i18n.phase(head);
    st.textContent = ph.text;
    st.className = ph.open ? 'notice' : 'notice warn';
    st.hidden = !ph.text;
  }

  document.addEventListener('DOMContentLoaded', async () => {
    await window.i18n.ready;
    window.i18n.onChange(render);
    try {
      election = await fetch(BASE + '/election', { cache: 'no-cache' }).then((r) => r.json());
      head = await fetch(BASE + '/head', { cache: 'no-store' }).then((r) => (r.ok ? r.json() : null));
    } catch (e) {
      return;
    }
    render();
  });
})();
