// Independent check of Tadrib credentials with npm jose (not the Go code that
// signed them). Usage: node verify.mjs DIR
// DIR holds jwks.json and *.jwt files. Every token is verified against the
// JWKS (alg EdDSA, typ vc+jwt pinned); the status list credentials found
// among them are decoded (multibase "u", base64url, gunzip) and each
// credential's revocation bit is read from the list it references.
// Prints one JSON object; the Go test decides what must pass or fail.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { base64url, calculateJwkThumbprint, createLocalJWKSet, jwtVerify } from 'jose';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node verify.mjs DIR');
  process.exit(2);
}

const jwks = JSON.parse(readFileSync(join(dir, 'jwks.json'), 'utf8'));
const keySet = createLocalJWKSet(jwks);

const thumbprints = [];
for (const jwk of jwks.keys) {
  const computed = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, 'sha256');
  thumbprints.push({ kid: jwk.kid, computed, match: computed === jwk.kid });
}

const tokens = {};
for (const file of readdirSync(dir).filter((f) => f.endsWith('.jwt')).sort()) {
  const jws = readFileSync(join(dir, file), 'utf8').trim();
  try {
    const { payload, protectedHeader } = await jwtVerify(jws, keySet, { algorithms: ['EdDSA'], typ: 'vc+jwt' });
    tokens[file] = { ok: true, alg: protectedHeader.alg, typ: protectedHeader.typ, kid: protectedHeader.kid, payload };
  } catch (err) {
    tokens[file] = { ok: false, code: err.code ?? String(err) };
  }
}

// Status lists by their id, from the verified tokens only.
const lists = {};
for (const t of Object.values(tokens)) {
  if (t.ok && t.payload.type.includes('BitstringStatusListCredential')) {
    const encoded = t.payload.credentialSubject.encodedList;
    if (!encoded.startsWith('u')) throw new Error('encodedList is not multibase base64url');
    lists[t.payload.id] = gunzipSync(base64url.decode(encoded.slice(1)));
  }
}

const result = { thumbprints, statusLists: {}, tokens: {} };
for (const [id, bits] of Object.entries(lists)) result.statusLists[id] = bits.length * 8;
for (const [file, t] of Object.entries(tokens)) {
  const out = { ok: t.ok, code: t.code, alg: t.alg, typ: t.typ, kid: t.kid };
  const status = t.ok && t.payload.credentialStatus;
  if (status) {
    const bits = lists[status.statusListCredential];
    const i = Number(status.statusListIndex);
    // Bit 0 is the most significant bit of byte 0 (Bitstring Status List §3.2).
    if (bits) out.revoked = ((bits[i >> 3] >> (7 - (i & 7))) & 1) === 1;
  }
  if (t.ok && t.payload.credentialSubject?.name) out.subject = t.payload.credentialSubject.name;
  result.tokens[file] = out;
}
console.log(JSON.stringify(result));
