/*
 * consulta serve's booth pages (server/web.c), over real HTTP on loopback:
 * the three pages and the assets with their MIME types and security headers
 * (CSP, nosniff, no-referrer), ETag revalidation (304), the gzip variant,
 * SRI hashes in the pages that match the scripts served, and bounded names:
 * traversal (raw and percent-encoded), hidden files, symbolic links out of
 * the web folder, over-long and over-deep names, unknown extensions, other
 * methods — each refused with its status, while the board's API still answers.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { WEB, ok, eq, summary, election, serve, raw, tmpdir } = require('./lib');

const CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; " +
  "style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

async function main() {
  /* A copy of the web folder with traps: a link out of it, a hidden file, a folder link. */
  const web = tmpdir('webdir');
  fs.cpSync(WEB, web, { recursive: true });
  const outside = tmpdir('outside');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'SECRET');
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(web, 'booth', 'link.txt'));
  fs.symlinkSync(outside, path.join(web, 'out'));
  fs.writeFileSync(path.join(web, 'booth', '.hidden.txt'), 'HIDDEN');
  fs.writeFileSync(path.join(web, 'booth', 'plain.txt'), 'plain');
  fs.writeFileSync(path.join(web, 'booth', 'data.bin'), 'bin');
  fs.mkdirSync(path.join(web, 'a', 'b', 'c', 'd', 'e', 'f'), { recursive: true });
  fs.writeFileSync(path.join(web, 'a', 'b', 'c', 'd', 'e', 'f', 'deep.txt'), 'deep');
  fs.mkdirSync(path.join(web, 'a', 'b', 'c', 'd', 'e', 'f5'), { recursive: true });

  const e = election({ voters: 2 });
  const s = await serve(e, { web });
  const P = s.port;
  const U = `/elections/${e.uuid}`;
  try {
    for (const [p, mime] of [
      [`${U}/`, 'text/html; charset=utf-8'],
      [`${U}/vote`, 'text/html; charset=utf-8'],
      [`${U}/find`, 'text/html; charset=utf-8'],
      ['/web/booth/booth.js', 'text/javascript; charset=utf-8'],
      ['/web/booth/style.css', 'text/css; charset=utf-8'],
      ['/web/i18n/qu.json', 'application/json'],
      ['/web/booth/plain.txt', 'text/plain; charset=utf-8'],
    ]) {
      const r = await raw(P, 'GET', p);
      eq(r.status, 200, `GET ${p}`);
      eq(r.headers['content-type'], mime, `GET ${p}: type`);
      eq(r.headers['content-security-policy'], CSP, `GET ${p}: CSP`);
      eq(r.headers['x-content-type-options'], 'nosniff', `GET ${p}: nosniff`);
      eq(r.headers['referrer-policy'], 'no-referrer', `GET ${p}: referrer`);
      ok(/^"[0-9a-f-]+"$/.test(r.headers.etag || ''), `GET ${p}: ETag ${r.headers.etag}`);
      const again = await raw(P, 'GET', p, { 'If-None-Match': r.headers.etag });
      eq(again.status, 304, `GET ${p} with its ETag`);
      eq(again.body.length, 0, `GET ${p} 304: no body`);
      const changed = await raw(P, 'GET', p, { 'If-None-Match': '"other"' });
      eq(changed.status, 200, `GET ${p} with another ETag`);
    }
    const wasm = path.join(WEB, 'core');
    if (fs.existsSync(wasm))
      for (const f of fs.readdirSync(wasm).filter((x) => x.endsWith('.wasm'))) {
        const r = await raw(P, 'GET', `/web/core/${f}`);
        eq([r.status, r.headers['content-type']], [200, 'application/wasm'], `GET /web/core/${f}`);
      }

    /* gzip: the precompressed file, same bytes once inflated; not for clients without gzip. */
    const plainJs = await raw(P, 'GET', '/web/booth/booth.js');
    const gz = await raw(P, 'GET', '/web/booth/booth.js', { 'Accept-Encoding': 'br, gzip;q=0.8' });
    eq(gz.headers['content-encoding'], 'gzip', 'gzip variant sent');
    ok(gz.body.length < plainJs.body.length, 'gzip variant is smaller');
    ok(zlib.gunzipSync(gz.body).equals(plainJs.body), 'gzip variant inflates to the file');
    ok(gz.headers.etag !== plainJs.headers.etag, 'gzip variant has its own ETag');
    eq(gz.headers.vary, 'Accept-Encoding', 'Vary: Accept-Encoding');
    const q0 = await raw(P, 'GET', '/web/booth/booth.js', { 'Accept-Encoding': 'gzip;q=0' });
    eq(q0.headers['content-encoding'], undefined, 'gzip;q=0: identity');

    /* HEAD: headers only. */
    const head = await raw(P, 'HEAD', `${U}/vote`);
    eq([head.status, head.body.length], [200, 0], 'HEAD the booth');

    /* SRI: each integrity attribute is the sha384 of what is served. */
    for (const page of ['vote', 'find', '']) {
      const html = (await raw(P, 'GET', `${U}/${page}`)).body.toString();
      const refs = [...html.matchAll(/(?:src|href)="(\/web\/[^"]+)" integrity="([^"]+)"/g)];
      ok(refs.length >= 2, `page /${page}: ${refs.length} resources with integrity`);
      ok(!/@SRI:/.test(html), `page /${page}: no placeholder left`);
      for (const [, src, integrity] of refs) {
        const body = (await raw(P, 'GET', src)).body;
        eq(integrity, 'sha384-' + crypto.createHash('sha384').update(body).digest('base64'), `integrity of ${src}`);
      }
      ok(!/<script>|<style>| on[a-z]+="|https?:\/\//.test(html), `page /${page}: no inline script/style, no external URL`);
    }

    /* Refused names: 404 without touching anything outside. */
    for (const p of [
      '/web/../election.json',
      '/web/booth/../../outside/secret.txt',
      '/web/%2e%2e/%2e%2e/etc/passwd',
      '/web/booth/%2e%2e/booth/booth.js',
      '/web/booth/%2fbooth.js',
      '/web//booth/booth.js',
      '/web/booth//booth.js',
      '/web/booth/booth.js/',
      '/web/./booth/booth.js',
      '/web/booth/.hidden.txt',
      '/web/booth/link.txt',
      '/web/out/secret.txt',
      '/web/booth/data.bin',
      '/web/booth',
      '/web/booth/',
      '/web/',
      '/web/a/b/c/d/e/f/deep.txt',
      '/web/booth/nothing.js',
      '/web/booth/bo%20oth.js',
      '/web/' + 'x'.repeat(300) + '.js',
      '/web/a/b/c/d/e/f5',
    ]) {
      const r = await raw(P, 'GET', p);
      ok(r.status === 404, `GET ${p}: ${r.status}, expected 404`);
      ok(!/SECRET|HIDDEN|root:/.test(r.body.toString()), `GET ${p}: nothing leaked`);
    }
    /* libmicrohttpd decodes %00 and the name ends there: at most the file before it. */
    const nul = await raw(P, 'GET', '/web/booth/plain.txt%00.js');
    ok(nul.status === 404 || nul.body.toString() === 'plain', `NUL in a name: ${nul.status}`);
    const deep5 = await raw(P, 'GET', '/web/a/b/c/d/e/f/../../../../../../booth/booth.js');
    eq(deep5.status, 404, 'dot-dot deep in a name');
    const long = await raw(P, 'GET', '/web/booth/' + 'a'.repeat(2000) + '.js');
    ok(long.status === 404 || long.status === 414, `very long name: ${long.status}`);
    const other = await raw(P, 'GET', '/elections/OtherUuid123/vote');
    eq([other.status, other.headers['content-type']], [404, 'application/json'], 'another election: the board answers');
    const post = await raw(P, 'POST', `${U}/vote`);
    eq([post.status, post.headers.allow], [405, 'GET, HEAD'], 'POST to the booth');
    const api = await raw(P, 'GET', `${U}/election`);
    eq([api.status, JSON.parse(api.body).uuid], [200, e.uuid], 'the API still answers');
    const bare = await raw(P, 'GET', U);
    eq(bare.status, 200, '/elections/UUID (no slash) is still election.json');
  } finally {
    await s.stop();
  }

  /* Without a web folder: the pages answer 404 saying so, the API works. */
  const s2 = await serve(e, { web: path.join(tmpdir('none'), 'missing') });
  try {
    const r = await raw(s2.port, 'GET', `${U}/vote`);
    eq(r.status, 404, 'no web folder: 404');
    ok(/make web/.test(r.body.toString()), 'no web folder: says make web');
    eq((await raw(s2.port, 'GET', `${U}/head`)).status, 200, 'no web folder: API answers');
  } finally {
    await s2.stop();
  }
  fs.rmSync(e.dir, { recursive: true, force: true });
  fs.rmSync(web, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
}

main()
  .catch((err) => ok(false, 'exception: ' + err.stack))
  .finally(() => summary('serve'));
