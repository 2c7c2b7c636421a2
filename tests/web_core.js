/*
 * Drive the booth's real Web Worker (build/web/core/worker.js) and the real
 * WebAssembly core under node, in a worker-like global scope (self,
 * postMessage, importScripts, fetch of the .wasm, crypto.getRandomValues).
 * Used by tests/web_core.sh:
 *
 *   node tests/web_core.js WEB_DIR ELECTION_DIR GROUP OUT_DIR
 *
 * ELECTION_DIR holds election.json, private_creds.txt, public_creds.json and
 * choices.txt (one choices vector per voter). Writes to OUT_DIR:
 * ballots.jsonl (one ballot per voter), trackers.txt, audit.json (an audit
 * record whose ballot is never cast), timing.txt (ms per 8-ciphertext
 * ballot). Prints "PASS what" / "FAIL what: why" lines.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const crypto = require('crypto');

const [webDir, electionDir, group, outDir] = process.argv.slice(2);
const coreDir = path.join(webDir, 'core');

function report(ok, what, why) {
  console.log(ok ? `PASS ${what}` : `FAIL ${what}: ${why}`);
}

/* A worker's global scope: the worker's messages are pushed to inbox. */
function startWorker() {
  const inbox = [];
  let wake = null;
  const sandbox = {
    console,
    WebAssembly,
    TextDecoder,
    TextEncoder,
    URL,
    Response,
    setTimeout,
    clearTimeout,
    crypto: crypto.webcrypto,
    location: { href: 'https://booth.test/web/core/worker.js' },
    postMessage(msg) {
      inbox.push(JSON.parse(JSON.stringify(msg))); // structured clone of plain data
      if (wake) wake();
    },
    importScripts(...urls) {
      for (const url of urls) {
        const file = path.join(coreDir, path.basename(new URL(url, sandbox.location.href).pathname));
        vm.runInContext(fs.readFileSync(file, 'utf8'), sandbox, { filename: file });
      }
    },
    async fetch(url) {
      const file = path.join(coreDir, path.basename(new URL(url, sandbox.location.href).pathname));
      return new Response(fs.readFileSync(file), { headers: { 'Content-Type': 'application/wasm' } });
    },
  };
  sandbox.self = sandbox;
  vm.createContext(sandbox);
  sandbox.importScripts('worker.js');
  let next = 1;
  /* Send a request; resolve with its final answer and the progress seen. */
  async function request(msg) {
    const id = next++;
    sandbox.onmessage({ data: { id, ...msg } });
    const progress = [];
    for (;;) {
      while (inbox.length === 0) await new Promise((r) => (wake = r));
      const answer = inbox.shift();
      if (answer.id !== id) throw new Error(`answer for ${answer.id}, expected ${id}`);
      if (answer.progress) progress.push(answer.progress);
      else return { answer, progress };
    }
  }
  return { request, sandbox };
}

function readLines(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

async function main() {
  const election = fs.readFileSync(path.join(electionDir, 'election.json'), 'utf8').trim();
  const creds = readLines(path.join(electionDir, 'private_creds.txt')).map((l) => l.split(' ').pop());
  const pubcreds = JSON.parse(fs.readFileSync(path.join(electionDir, 'public_creds.json'), 'utf8'));
  const choices = readLines(path.join(electionDir, 'choices.txt')).map((l) => JSON.parse(l));
  const w = startWorker();
  let r;

  r = await w.request({ op: 'encrypt', credential: creds[0], choices: choices[0] });
  report(r.answer.ok === false && r.answer.error === 'election', 'encrypt before init is refused', JSON.stringify(r.answer));

  r = await w.request({ op: 'init', election });
  report(r.answer.ok === true && r.answer.group === group && /^consulta-core /.test(r.answer.version),
    `init (${group})`, JSON.stringify(r.answer));
  const isCurve = ['ristretto255', 'Ed25519'].includes(group);
  const loaded = typeof w.sandbox.ConsultaCore === 'function' ? 'curve' : 'ff';
  report(loaded === (isCurve ? 'curve' : 'ff'), `the ${isCurve ? 'curve' : 'ff'} core is the one loaded`, loaded);

  // public credentials: each one the credential authority published
  let allFound = true;
  for (const cred of creds) {
    r = await w.request({ op: 'credential', credential: cred });
    allFound = allFound && r.answer.ok && pubcreds.some((p) => p.split(',')[0] === r.answer.public_credential);
  }
  report(allFound, 'public credentials are in public_creds.json', JSON.stringify(r.answer));

  // mistyped and malformed credentials
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  const c0 = creds[0];
  const swapped = c0[0] === alphabet[0] ? alphabet[1] + c0.slice(1) : alphabet[0] + c0.slice(1);
  r = await w.request({ op: 'credential', credential: swapped });
  report(r.answer.ok === false && r.answer.error === 'credential_checksum' && /wrong checksum/.test(r.answer.message),
    'a mistyped credential gets credential_checksum', JSON.stringify(r.answer));
  r = await w.request({ op: 'encrypt', credential: swapped, choices: choices[0] });
  report(r.answer.ok === false && r.answer.error === 'credential_checksum', 'encrypt with a mistyped credential is refused', JSON.stringify(r.answer));
  r = await w.request({ op: 'credential', credential: c0.slice(0, 10) });
  report(r.answer.ok === false && r.answer.error === 'credential_format' && /characters, expected XXX-XXX-XXX-XXX-XXX/.test(r.answer.message),
    'a short credential gets credential_format', JSON.stringify(r.answer));
  r = await w.request({ op: 'credential', credential: '0' + c0.slice(1) });
  report(r.answer.ok === false && r.answer.error === 'credential_format' && /not a Base58 digit/.test(r.answer.message),
    "a credential with '0' gets credential_format", JSON.stringify(r.answer));

  // choices that break the rules
  r = await w.request({ op: 'encrypt', credential: c0, choices: [[0, 1, 1], [0, 0, 1, 0, 0]] });
  report(r.answer.ok === false && r.answer.error === 'choices' && /question 1: 2 answers selected, between 1 and 1 required/.test(r.answer.message),
    'choices that break a question rule get choices', JSON.stringify(r.answer));
  r = await w.request({ op: 'encrypt', credential: c0, choices: [[0, 1, 0]] });
  report(r.answer.ok === false && r.answer.error === 'choices', 'too few questions get choices', JSON.stringify(r.answer));

  // one ballot per voter, with progress
  const ballots = [], trackers = [];
  let progressOk = true, answersOk = true;
  for (let i = 0; i < creds.length; i++) {
    r = await w.request({ op: 'encrypt', credential: creds[i], choices: choices[i] });
    const p = r.progress;
    progressOk = progressOk && p.length === 10 && p.every((s, k) => s.done === k + 1 && s.total === 10);
    answersOk = answersOk && r.answer.ok === true;
    if (!r.answer.ok) {
      report(false, `encrypt voter ${i + 1}`, JSON.stringify(r.answer));
      continue;
    }
    const expect = crypto.createHash('sha256').update(r.answer.ballot).digest('base64').replace(/=+$/, '');
    answersOk = answersOk && r.answer.tracker === expect && !r.answer.ballot.includes('\n');
    ballots.push(r.answer.ballot);
    trackers.push(r.answer.tracker);
  }
  report(answersOk, 'every voter gets a ballot and its tracker (Base64 SHA-256)', '');
  report(progressOk, 'progress: 10 steps (8 ciphertexts, 2 questions) for each ballot', JSON.stringify(r.progress));
  fs.writeFileSync(path.join(outDir, 'ballots.jsonl'), ballots.map((b) => b + '\n').join(''));
  fs.writeFileSync(path.join(outDir, 'trackers.txt'), trackers.map((t) => t + '\n').join(''));

  // an audited ballot: its record checks in the worker; a tampered one does not
  r = await w.request({ op: 'encrypt', credential: creds[0], choices: choices[0] });
  const audit = r.answer.audit;
  const record = JSON.parse(audit);
  report(record.ballot === r.answer.ballot && JSON.stringify(record.choices) === JSON.stringify(choices[0]) &&
    record.randomness.length === 2 && record.randomness[1].length === 5,
    'the audit record holds the ballot, the choices and the randomness', audit.slice(0, 200));
  fs.writeFileSync(path.join(outDir, 'audit.json'), audit);
  r = await w.request({ op: 'audit-check', audit });
  report(r.answer.ok === true, 'audit-check accepts the record', JSON.stringify(r.answer));
  const tampered = JSON.parse(audit);
  [tampered.randomness[1][0], tampered.randomness[1][1]] = [tampered.randomness[1][1], tampered.randomness[1][0]];
  fs.writeFileSync(path.join(outDir, 'audit-tampered.json'), JSON.stringify(tampered));
  const q2 = choices[0][1];
  r = await w.request({ op: 'audit-check', audit: JSON.stringify(tampered) });
  report(r.answer.ok === false && r.answer.error === 'audit' &&
    r.answer.message === `audit record: question 2, answer 1: the ballot's ciphertext is not the encryption of ${q2[0]} with this randomness`,
    'audit-check refuses swapped randomness, naming question and answer', JSON.stringify(r.answer));

  // timing: 8-ciphertext ballots
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    r = await w.request({ op: 'encrypt', credential: creds[0], choices: choices[0] });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  fs.writeFileSync(path.join(outDir, 'timing.txt'), `${group} ${times[1].toFixed(0)} ms (median of 3)\n`);

  // wipe: the election is forgotten
  r = await w.request({ op: 'wipe' });
  report(r.answer.ok === true, 'wipe', JSON.stringify(r.answer));
  r = await w.request({ op: 'credential', credential: c0 });
  report(r.answer.ok === false && r.answer.error === 'election', 'after wipe, the election is gone', JSON.stringify(r.answer));
  r = await w.request({ op: 'init', election: '{"group":"ristretto255"' });
  report(r.answer.ok === false && r.answer.error === 'election', 'an election that is not JSON is refused', JSON.stringify(r.answer));
  r = await w.request({ op: 'frobnicate' });
  report(r.answer.ok === false && r.answer.error === 'invalid', 'an unknown op is refused', JSON.stringify(r.answer));
}

main().catch((e) => {
  report(false, 'web_core.js', e.stack || e);
  process.exitCode = 1;
});
