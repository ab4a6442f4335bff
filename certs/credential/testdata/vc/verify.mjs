// Verifies Tadrib's Data Integrity credentials with Digital Bazaar's
// libraries (@digitalbazaar/vc, data-integrity, eddsa-rdfc-2022-cryptosuite),
// which share no code with the Go signer. Run by certs/credential/vc_test.go:
//
//   node verify.mjs MANIFEST.json
//
// The manifest names the JSON-LD contexts (URL -> file: the SAME files the Go
// package embeds), the did:web documents the server would serve, and the
// credentials to check. did:key is resolved by @digitalbazaar/did-method-key.
// Nothing is fetched: any other URL is an error. Prints one JSON object.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as DidKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {contexts as vcContexts} from '@digitalbazaar/credentials-context';

const manifest = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const contexts = new Map();
for(const [url, file] of Object.entries(manifest.contexts)) {
  contexts.set(url, JSON.parse(readFileSync(file, 'utf8')));
}
const didKeyDriver = DidKey.driver();
didKeyDriver.use({
  multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from
});

const dids = manifest.dids || {};
async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  const [did, fragment] = url.split('#');
  if(did.startsWith('did:key:')) {
    const document = await didKeyDriver.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  if(dids[did]) {
    const doc = dids[did];
    const document = fragment === undefined ? doc :
      {'@context': doc['@context'], ...doc.verificationMethod.find(m => m.id === url)};
    if(!document.id) {
      throw new Error(`${url} is not in the DID document of ${did}`);
    }
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`refusing to load ${url}: not embedded`);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const out = {
  // Our copy of the VC 2.0 context against the one the library ships.
  sameV2Context: JSON.stringify(contexts.get('https://www.w3.org/ns/credentials/v2')) ===
    JSON.stringify(vcContexts.get('https://www.w3.org/ns/credentials/v2')),
  credentials: {}
};
for(const [name, file] of Object.entries(manifest.credentials)) {
  const credential = JSON.parse(readFileSync(file, 'utf8'));
  try {
    const result = await vc.verifyCredential({
      credential, suite, documentLoader,
      // Revocation is read from the status list by another test.
      checkStatus: async () => ({verified: true})
    });
    const errors = [];
    const collect = e => {
      if(!e) {
        return;
      }
      errors.push(e.message || String(e));
      (e.errors || []).forEach(collect);
    };
    collect(result.error);
    (result.results || []).forEach(r => collect(r.error));
    out.credentials[name] = {
      verified: result.verified,
      verificationMethod: result.results?.[0]?.proof?.verificationMethod,
      errors
    };
  } catch(e) {
    out.credentials[name] = {verified: false, errors: [e.message]};
  }
}
process.stdout.write(JSON.stringify(out, null, 1));
