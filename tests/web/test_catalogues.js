/*
 * The message catalogues: es, qu, ay and en have exactly the same keys, no
 * empty message, the same {placeholders} as Spanish in every message; every
 * key the pages and scripts use exists; REVIEW.md names only real keys.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { ROOT, ok, eq, summary } = require('./lib');

const dir = path.join(ROOT, 'web', 'i18n');
const langs = ['es', 'qu', 'ay', 'en'];
const cat = {};
for (const l of langs) {
  let text = '';
  try {
    text = fs.readFileSync(path.join(dir, l + '.json'), 'utf8');
    cat[l] = JSON.parse(text);
  } catch (e) {
    cat[l] = {};
    ok(false, `${l}.json: ${e.message}`);
  }
}
const keys = Object.keys(cat.es).sort();
ok(keys.length > 50, `es.json has ${keys.length} messages`);
const holders = (s) => (s.match(/\{\w+\}/g) || []).sort();
for (const l of langs.slice(1)) {
  eq(Object.keys(cat[l]).sort(), keys, `${l}.json has the keys of es.json`);
  for (const k of keys) {
    if (!(k in cat[l])) continue;
    ok(typeof cat[l][k] === 'string' && cat[l][k].trim() !== '', `${l}.json: ${k} is empty`);
    eq(holders(cat[l][k]), holders(cat.es[k]), `${l}.json: ${k}: placeholders`);
  }
}

/* Keys used: data-i18n / data-i18n-label in the pages; t('…'), say('…') and 'err_…' in the scripts. */
const booth = path.join(ROOT, 'web', 'booth');
const used = new Set();
for (const f of fs.readdirSync(booth)) {
  const text = fs.readFileSync(path.join(booth, f), 'utf8');
  if (f.endsWith('.html')) for (const m of text.matchAll(/data-i18n(?:-label)?="([a-z0-9_]+)"/g)) used.add(m[1]);
  if (f.endsWith('.js')) {
    for (const m of text.matchAll(/\b(?:t|say)\(\s*'([a-z0-9_]+)'/g)) used.add(m[1]);
    for (const m of text.matchAll(/'(err_[a-z0-9_]+)'/g)) used.add(m[1]);
  }
}
ok(used.size > 50, `the pages use ${used.size} keys`);
for (const k of [...used].sort()) ok(k in cat.es, `key ${k} is used but not in the catalogues`);
const unused = keys.filter((k) => !used.has(k));
eq(unused, [], 'keys in the catalogues that nothing uses');

/* REVIEW.md: every key it lists exists. */
const review = fs.readFileSync(path.join(dir, 'REVIEW.md'), 'utf8');
const listed = [...review.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]);
ok(listed.length > 0, 'REVIEW.md lists strings to review');
for (const k of listed) ok(k in cat.es || langs.includes(k), `REVIEW.md lists ${k}, which is not a key`);
summary('catalogues');
