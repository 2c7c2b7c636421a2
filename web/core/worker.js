/*
 * consulta's booth worker: the page's only way to its cryptography. It loads
 * consulta's own C core compiled to WebAssembly (web/core/api.c, built by
 * `make web`): consulta-core.js for ristretto255 and Ed25519 elections,
 * consulta-core-ff.js (with GMP) for BELENIOS-2048 ones.
 *
 * Messages (docs: /work/notes/contract.md, "Worker messages"); every request
 * carries an id, echoed in its answers; requests are handled one at a time,
 * in order:
 *   {id, op:'init', election}          -> {id, ok:true, version, group}
 *   {id, op:'credential', credential}  -> {id, ok:true, public_credential}
 *   {id, op:'encrypt', credential, choices}
 *                                      -> {id, progress:{done,total}} (0..n times)
 *                                         then {id, ok:true, ballot, tracker, audit}
 *   {id, op:'audit-check', audit}      -> {id, ok:true}
 *   {id, op:'wipe'}                    -> {id, ok:true}
 *   any failure                        -> {id, ok:false, error, message}
 *
 * Secrets: the credential and the ballot's randomness are copied into the
 * core's memory only for the call that needs them, wiped there afterwards
 * (the C side wipes its own copies); the worker keeps no reference to them
 * after answering and writes nothing to any storage.
 */
'use strict';

const CORES = {
  curve: { script: 'consulta-core.js', factory: 'ConsultaCore' },
  ff: { script: 'consulta-core-ff.js', factory: 'ConsultaCoreFF' },
};
const CURVE_GROUPS = ['ristretto255', 'Ed25519'];
const RESULT = { public_credential: 0, ballot: 1, tracker: 2, audit: 3 };

let core = null; // the instantiated module
let coreKind = null; // 'curve' | 'ff'
let queue = Promise.resolve();

class CoreError extends Error {
  constructor(error, message) {
    super(message);
    this.error = error;
  }
}

/* Load (once) the core that knows the election's group. */
async function loadCore(kind) {
  if (core !== null && coreKind === kind) return core;
  const spec = CORES[kind];
  if (typeof self[spec.factory] !== 'function') importScripts(spec.script);
  core = await self[spec.factory]();
  coreKind = kind;
  return core;
}

/*
 * Call core function fn with each text argument as (pointer, length) in the
 * core's memory; wipe and free those copies whatever happens.
 */
function callWithTexts(fn, texts) {
  const buffers = [];
  try {
    const args = [];
    for (const text of texts) {
      const size = core.lengthBytesUTF8(text) + 1;
      const ptr = core._malloc(size);
      if (ptr === 0) throw new CoreError('nomem', 'out of memory');
      buffers.push([ptr, size]);
      core.stringToUTF8(text, ptr, size);
      args.push(ptr, size - 1);
    }
    return fn(...args);
  } finally {
    for (const [ptr, size] of buffers) {
      core.HEAPU8.fill(0, ptr, ptr + size);
      core._free(ptr);
    }
  }
}

/* Throw the core's error unless rc is 0. */
function check(rc) {
  if (rc === 0) return;
  const error = core.UTF8ToString(core._cw_error()) || 'internal';
  const message = core.UTF8ToString(core._cw_message());
  core._cw_clear();
  throw new CoreError(error, message);
}

function result(name) {
  return core.UTF8ToString(core._cw_result(RESULT[name]));
}

function needCore() {
  if (core === null) throw new CoreError('election', 'no election: send init first');
}

function text(value, what) {
  if (typeof value !== 'string') throw new CoreError('invalid', `${what} must be a string`);
  return value;
}

async function init(msg) {
  const election = text(msg.election, 'election');
  let group;
  try {
    group = JSON.parse(election).group;
  } catch (e) {
    throw new CoreError('election', `election: invalid JSON: ${e.message}`);
  }
  if (typeof group !== 'string') throw new CoreError('election', 'election: no "group" field');
  if (core !== null) core._cw_wipe();
  await loadCore(CURVE_GROUPS.includes(group) ? 'curve' : 'ff');
  check(callWithTexts(core._cw_init, [election]));
  return { version: core.UTF8ToString(core._cw_version()), group: core.UTF8ToString(core._cw_group()) };
}

function credential(msg) {
  needCore();
  const cred = text(msg.credential, 'credential').trim();
  check(callWithTexts(core._cw_credential, [cred]));
  const answer = { public_credential: result('public_credential') };
  core._cw_clear();
  return answer;
}

function encrypt(msg) {
  needCore();
  const cred = text(msg.credential, 'credential').trim();
  if (!Array.isArray(msg.choices)) throw new CoreError('choices', 'choices must be an array');
  const choices = JSON.stringify(msg.choices);
  core.onProgress = (done, total) => postMessage({ id: msg.id, progress: { done, total } });
  try {
    check(callWithTexts(core._cw_encrypt, [cred, choices]));
  } finally {
    core.onProgress = null;
  }
  const answer = { ballot: result('ballot'), tracker: result('tracker'), audit: result('audit') };
  core._cw_clear();
  return answer;
}

function auditCheck(msg) {
  needCore();
  check(callWithTexts(core._cw_audit_check, [text(msg.audit, 'audit')]));
  return {};
}

function wipe() {
  if (core !== null) core._cw_wipe();
  return {};
}

const OPS = { init, credential, encrypt, 'audit-check': auditCheck, wipe };

async function handle(msg) {
  const id = msg && msg.id;
  try {
    const op = msg && OPS[msg.op];
    if (op === undefined) throw new CoreError('invalid', `unknown op ${JSON.stringify(msg && msg.op)}`);
    postMessage({ id, ok: true, ...(await op(msg)) });
  } catch (e) {
    if (e instanceof CoreError) postMessage({ id, ok: false, error: e.error, message: e.message });
    else postMessage({ id, ok: false, error: 'internal', message: String((e && e.message) || e) });
  }
}

self.onmessage = (event) => {
  const msg = event.data;
  queue = queue.then(() => handle(msg));
};
