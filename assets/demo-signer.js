// demo-signer.js -- the demo ward's signer (page_sign.c): signs the bytes
// of a signing request in this browser with the fictional demo resident's
// test key (WebCrypto, RSASSA-PKCS1-v1_5 with SHA-256), wraps the signature
// in a detached CMS SignedData without signed attributes (RFC 5652: the
// same shape as `openssl cms -sign -binary -noattr -md sha256`), and sends
// it through the request's ordinary upload form, so that the server checks
// it exactly as it checks a .p7s made by any other signing tool.
//
// Only the demo ward serves this page's button and the key; a real
// signing app keeps its key on the My Number Card and never in a page.
(function () {
  'use strict';
  var button = document.getElementById('demo-sign');
  if (!button || !window.crypto || !window.crypto.subtle || !window.DataTransfer) return;
  button.parentElement.hidden = false;
  var status = document.getElementById('demo-sign-status');

  // ---- DER: the few shapes a SignedData needs ----
  function len(n) {
    if (n < 0x80) return [n];
    var out = [];
    while (n > 0) { out.unshift(n & 0xff); n = Math.floor(n / 256); }
    return [0x80 | out.length].concat(out);
  }
  function tlv(tag, parts) {
    var body = concat(parts);
    return concat([new Uint8Array([tag].concat(len(body.length))), body]);
  }
  function concat(parts) {
    var n = 0, i, off = 0;
    for (i = 0; i < parts.length; i++) n += parts[i].length;
    var out = new Uint8Array(n);
    for (i = 0; i < parts.length; i++) { out.set(parts[i], off); off += parts[i].length; }
    return out;
  }
  function oid(text) {
    var p = text.split('.').map(Number), bytes = [40 * p[0] + p[1]];
    for (var i = 2; i < p.length; i++) {
      var v = p[i], chunk = [v & 0x7f];
      while ((v = Math.floor(v / 128)) > 0) chunk.unshift(0x80 | (v & 0x7f));
      bytes = bytes.concat(chunk);
    }
    return tlv(0x06, [new Uint8Array(bytes)]);
  }
  var NULL = new Uint8Array([0x05, 0x00]);
  var INT1 = new Uint8Array([0x02, 0x01, 0x01]);
  function seq(parts) { return tlv(0x30, parts); }
  function set(parts) { return tlv(0x31, parts); }

  // one element at off: its tag, where its content starts and ends
  function read(der, off) {
    var tag = der[off], n = der[off + 1], start = off + 2;
    if (n & 0x80) {
      var k = n & 0x7f; n = 0;
      for (var i = 0; i < k; i++) n = n * 256 + der[start + i];
      start += k;
    }
    return { tag: tag, off: off, start: start, end: start + n };
  }
  // the certificate's issuer Name and serialNumber, as their DER
  function issuerAndSerial(cert) {
    var c = read(cert, 0), tbs = read(cert, c.start), at = tbs.start;
    var el = read(cert, at);
    if (el.tag === 0xa0) { at = el.end; el = read(cert, at); }    // [0] version
    var serial = cert.slice(el.off, el.end);
    el = read(cert, el.end);                                        // signature algorithm
    el = read(cert, el.end);                                        // issuer
    return seq([cert.slice(el.off, el.end), serial]);
  }
  function signedData(cert, signature) {
    var sha256 = seq([oid('2.16.840.1.101.3.4.2.1'), NULL]);
    var signerInfo = seq([INT1, issuerAndSerial(cert), sha256,
      seq([oid('1.2.840.113549.1.1.1'), NULL]), tlv(0x04, [signature])]);
    var sd = seq([INT1, set([sha256]), seq([oid('1.2.840.113549.1.7.1')]),
      tlv(0xa0, [cert]), set([signerInfo])]);
    return seq([oid('1.2.840.113549.1.7.2'), tlv(0xa0, [sd])]);
  }
  function pem(text) {
    var b64 = text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    var bin = atob(b64), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  async function sign() {
    button.disabled = true;
    status.textContent = button.dataset.working;
    try {
      var got = await Promise.all([
        fetch(button.dataset.data, { credentials: 'same-origin' }),
        fetch(button.dataset.key, { credentials: 'same-origin' })]);
      if (!got[0].ok || !got[1].ok) throw new Error('fetch ' + got[0].status + ' ' + got[1].status);
      var data = new Uint8Array(await got[0].arrayBuffer());
      var keys = await got[1].json();
      var key = await crypto.subtle.importKey('pkcs8', pem(keys.key),
        { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
      var sig = new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, data));
      var cms = signedData(pem(keys.cert), sig);
      var form = document.getElementById(button.dataset.form);
      var input = form.querySelector('input[type=file]');
      var dt = new DataTransfer();
      dt.items.add(new File([cms], 'demo-signature.p7s', { type: 'application/pkcs7-signature' }));
      input.files = dt.files;
      form.submit();
    } catch (err) {
      status.textContent = button.dataset.failed;
      button.disabled = false;
      if (window.console) console.error('demo signer:', err);
    }
  }
  button.addEventListener('click', sign);
})();
