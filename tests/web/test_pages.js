/*
 * The booth's pages without voting: in each of the four languages the
 * election start page, the booth's first screen and the find page load with
 * no console error or CSP violation, show their texts in that language and
 * pass axe-core with no serious or critical violation; the language is
 * remembered in localStorage, which holds nothing else, and no cookie is set;
 * the pages work from the keyboard alone; a question's rules (min/max, blank)
 * are enforced before anything is encrypted. Screenshots at 360x640.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { ROOT, ok, eq, summary, election, serve, browser, page, shot, axe, hasWorker, req, token } = require('./lib');

const cat = {};
for (const l of ['es', 'qu', 'ay', 'en']) cat[l] = JSON.parse(fs.readFileSync(path.join(ROOT, 'web', 'i18n', l + '.json'), 'utf8'));
const NAMES = { es: 'Español', qu: 'Runasimi', ay: 'Aymar aru', en: 'English' };

async function checkAxe(p, what) {
  const v = await axe(p);
  eq(v, [], `axe: ${what}`);
}

async function main() {
  const e = election({ voters: 3 });
  const s = await serve(e);
  const { ctx, close } = await browser();
  try {
    const p = await page(ctx);
    for (const lang of ['es', 'qu', 'ay', 'en']) {
      await p.goto(`${s.base}/`);
      await p.getByRole('button', { name: NAMES[lang], exact: true }).click();
      await p.waitForFunction((l) => document.documentElement.lang === l, lang);
      eq(await p.locator('a.button.primary').textContent(), cat[lang].start, `${lang}: index start link`);
      eq(await p.locator('#e-name').textContent(), JSON.parse(fs.readFileSync(path.join(e.dir, 'election.json'))).name, `${lang}: election name`);
      await shot(p, `pages-${lang}-1-index`);
      await checkAxe(p, `${lang} index`);

      await p.goto(`${s.base}/vote`);
      await p.waitForFunction(() => !document.getElementById('b-start').disabled);
      eq(await p.evaluate(() => document.documentElement.lang), lang, `${lang}: remembered on the booth`);
      eq(await p.locator('#b-start').textContent(), cat[lang].start, `${lang}: booth start button`);
      eq(await p.getByRole('button', { name: NAMES[lang], exact: true }).getAttribute('aria-pressed'), 'true', `${lang}: pressed`);
      await shot(p, `pages-${lang}-2-vote-start`);
      await checkAxe(p, `${lang} booth start`);
      await p.locator('#b-start').click();
      await p.waitForSelector('#s-cred:not([hidden])');
      eq(await p.locator('#s-cred h2').textContent(), cat[lang].cred_title, `${lang}: credential screen`);
      await p.locator('#f-cred button[type=submit]').click();
      eq(await p.locator('#msg').textContent(), cat[lang].err_cred_empty, `${lang}: empty credential refused`);
      await shot(p, `pages-${lang}-3-credential-empty`);
      await checkAxe(p, `${lang} credential screen`);

      await p.goto(`${s.base}/find`);
      await p.waitForFunction((l) => document.documentElement.lang === l, lang);
      await p.locator('#i-tracker').fill('ABCD-EFGH');
      await p.locator('#f-find button').click();
      await p.waitForFunction(() => document.getElementById('result').textContent !== '');
      eq(await p.locator('#result').textContent(), cat[lang].find_notfound.replace('{q}', 'ABCD-EFGH'), `${lang}: find an unknown code`);
      await shot(p, `pages-${lang}-4-find`);
      await checkAxe(p, `${lang} find`);
      /* Before the wasm core is merged, its worker is missing: that is the only failure allowed. */
      const problems = hasWorker() ? p.problems : p.problems.filter((x) => !/\/web\/core\/worker\.js$/.test(x));
      eq(problems, [], `${lang}: no console error`);
      p.problems.length = 0;
    }
    const storage = await p.evaluate(() => Object.keys(localStorage));
    eq(storage, ['consulta.lang'], 'localStorage holds only the language');
    eq(await ctx.cookies(), [], 'no cookie');

    /* Keyboard only: Tab to the first language, Enter; Tab to the start button, Enter. */
    await p.goto(`${s.base}/vote`);
    await p.waitForFunction(() => !document.getElementById('b-start').disabled);
    const seen = [];
    for (let i = 0; i < 12; i++) {
      await p.keyboard.press('Tab');
      const f = await p.evaluate(() => {
        const a = document.activeElement;
        const st = getComputedStyle(a);
        return { id: a.id, text: a.textContent.trim(), outline: st.outlineStyle !== 'none' && st.outlineWidth !== '0px' };
      });
      seen.push(f);
      if (f.text === 'Español') {
        await p.keyboard.press('Enter');
        ok(f.outline, 'focus is visible on the language button');
      }
      if (f.id === 'b-start') {
        ok(f.outline, 'focus is visible on the start button');
        await shot(p, 'pages-keyboard-focus');
        await p.keyboard.press('Enter');
        break;
      }
    }
    await p.waitForSelector('#s-cred:not([hidden])');
    eq(await p.evaluate(() => document.activeElement.tagName), 'H2', 'keyboard: focus moves to the new screen');
    eq(await p.evaluate(() => document.documentElement.lang), 'es', 'keyboard: Spanish chosen');

    /* Touch targets: every button and answer row at least 44 px high at 360 px wide. */
    const small = await p.evaluate(() =>
      [...document.querySelectorAll('button, a.button, .answer, input[type=text]')]
        .filter((el) => el.offsetParent !== null)
        .filter((el) => el.getBoundingClientRect().height < 44)
        .map((el) => el.id || el.textContent.trim())
    );
    eq(small, [], 'touch targets at least 44 px');
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    eq(overflow, false, 'no horizontal scrolling at 360 px');
    /* A closed ballot box: the start screen says so and the booth does not start. */
    eq((await req(`${s.base}/close`, 'POST', '', token(e, 'admin'))).status, 200, 'close the ballot box');
    for (const lang of ['es', 'qu']) {
      await p.goto(`${s.base}/vote`);
      await p.getByRole('button', { name: NAMES[lang], exact: true }).click();
      await p.waitForFunction(() => !document.getElementById('e-state').hidden);
      eq(await p.locator('#e-state').textContent(), cat[lang].err_closed, `closed (${lang}): said`);
      eq(await p.locator('#b-start').isDisabled(), true, `closed (${lang}): no booth`);
      await shot(p, `pages-${lang}-closed`);
    }
    await checkAxe(p, 'closed');
    await p.goto(`${s.base}/`);
    await p.waitForFunction(() => !document.getElementById('e-state').hidden);
    eq(await p.locator('#e-state').textContent(), cat.qu.err_closed, 'closed: the index says it too');
    /* Not open yet: the opening date, in the voter's language, and no booth. */
    const later = election({ voters: 2, init: ['--opens', '2030-01-02T08:00Z'] });
    const s2 = await serve(later);
    try {
      await p.goto(`${s2.base}/vote`);
      await p.getByRole('button', { name: 'English', exact: true }).click();
      await p.waitForFunction(() => !document.getElementById('e-state').hidden);
      ok(/^Voting opens on January 2, 2030/.test(await p.locator('#e-state').textContent()), `scheduled: ${await p.locator('#e-state').textContent()}`);
      eq(await p.locator('#b-start').isDisabled(), true, 'scheduled: no booth');
      await shot(p, 'pages-en-scheduled');
    } finally {
      await s2.stop();
      fs.rmSync(later.dir, { recursive: true, force: true });
    }
  } finally {
    await close();
    await s.stop();
  }
  fs.rmSync(e.dir, { recursive: true, force: true });
}

main()
  .catch((err) => ok(false, 'exception: ' + err.stack))
  .finally(() => summary('pages'));
