/* Drives the booth as a voter does (used by the tests and the benchmark). */
'use strict';
const { shot, axe, eq } = require('./lib');

/*
 * One voter at the booth, from the start screen to the cast ballot.
 * o: {base, lang, credential, answers: per question an array of answer
 * indices or 'blank', audit (audit once before casting), login, code,
 * tag (screenshot prefix), axe (run axe-core on each screen), beforeCast
 * (async hook between encryption and cast)}. Returns {tracker, code,
 * revote (the warning shown, or null), audit (the audit record, if any)}.
 */
async function vote(p, o) {
  const tag = o.tag || null;
  const step = async (name) => {
    if (tag) await shot(p, `${tag}-${name}`);
    if (o.axe) eq(await axe(p), [], `axe: ${tag || ''} ${name}`);
  };
  await p.goto(`${o.base}/vote${o.query || ''}`);
  await p.waitForFunction(() => !document.getElementById('b-start').disabled);
  if (o.lang) {
    const names = { es: 'Español', qu: 'Runasimi', ay: 'Aymar aru', en: 'English' };
    await p.getByRole('button', { name: names[o.lang], exact: true }).click();
    await p.waitForFunction((l) => document.documentElement.lang === l, o.lang);
  }
  await step('1-start');
  await p.locator('#b-start').click();
  await p.waitForSelector('#s-cred:not([hidden])');
  await p.locator('#i-cred').fill(o.credential);
  await step('2-credential');
  await p.locator('#f-cred button[type=submit]').click();
  await p.waitForSelector('#s-question:not([hidden])', { timeout: 60000 });
  for (let i = 0; i < o.answers.length; i++) {
    await p.waitForFunction((n) => document.getElementById('q-count').textContent.includes(String(n)), i + 1);
    const a = o.answers[i];
    for (const j of a === 'blank' ? ['blank'] : a) await p.locator(`#a-${i}-${j}`).check();
    await step(`3-question-${i + 1}`);
    await p.locator('#f-question button[type=submit]').click();
  }
  await p.waitForSelector('#s-review:not([hidden])');
  /* What the voter read: the election's name, the last question and its first chosen answer. */
  const last = o.answers.length - 1;
  const texts = await p.evaluate(
    ([q, a]) => [
      document.getElementById('e-name').textContent,
      document.querySelectorAll('#review dt')[q].textContent,
      document.querySelectorAll('#review dd')[q].textContent.split(' · ')[0],
    ],
    [last, o.answers[last]]
  );
  await step('4-review');
  let audit = null;
  const encrypt = async () => {
    await p.locator('#b-encrypt, #b-again').filter({ visible: true }).first().click();
    await p.waitForSelector('#s-ready:not([hidden])', { timeout: 120000 });
  };
  await encrypt();
  if (o.audit) {
    await step('5-encrypted-before-audit');
    await p.locator('#b-audit').click();
    await p.waitForSelector('#s-audit:not([hidden])');
    await p.waitForFunction(() => /ok|warn/.test(document.getElementById('audit-result').className), null, { timeout: 60000 });
    audit = { record: await p.locator('#audit-record').inputValue(), result: await p.locator('#audit-result').getAttribute('class') };
    await step('6-audit');
    await p.locator('#b-again').click();
    await p.waitForSelector('#s-ready:not([hidden])', { timeout: 120000 });
  }
  const revote = (await p.locator('#revote').isVisible()) ? await p.locator('#revote').textContent() : null;
  if (o.login !== undefined) {
    await p.locator('#i-login').fill(o.login);
    await p.locator('#i-code').fill(o.code);
  }
  await step('7-encrypted');
  if (o.beforeCast) await o.beforeCast();
  await p.locator('#b-cast').click();
  if (o.noWait) return { revote, audit };
  await p.waitForSelector('#s-done:not([hidden])', { timeout: o.castTimeout || 60000 });
  await step('8-done');
  return {
    tracker: await p.locator('#d-tracker').textContent(),
    code: await p.locator('#d-code').textContent(),
    revote,
    audit,
    texts,
  };
}

module.exports = { vote };
