// Keys through WebCrypto only: the client's signing key (ECDSA P-256 everywhere, Ed25519 where the
// platform has it), kept non-extractable; replica keys (Ed25519) for checking signatures.

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' };
const ECDSA_SIGN = { name: 'ECDSA', hash: 'SHA-256' };

/**
 * A client key pair: {alg, raw (public key bytes as Bastion encodes them), privateKey (CryptoKey,
 * not extractable)}. ECDSA P-256 signatures come out as r ‖ s (64 bytes), which is what the
 * replicas expect.
 */
export async function generateClientKey(alg = 'ECDSA_P256') {
  const params = alg === 'ED25519' ? { name: 'Ed25519' } : ECDSA;
  const pair = await crypto.subtle.generateKey(params, false, ['sign', 'verify']);
  return fromPair(alg, pair);
}

async function fromPair(alg, pair) {
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)); // public keys always export
  return { alg, raw, privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/** Signs {@code bytes} with a client key from {@link generateClientKey}. */
export async function sign(key, bytes) {
  const params = key.alg === 'ED25519' ? { name: 'Ed25519' } : ECDSA_SIGN;
  return new Uint8Array(await crypto.subtle.sign(params, key.privateKey, bytes));
}

/** Whether this platform's WebCrypto has Ed25519. */
export async function hasEd25519() {
  try {
    await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    return true;
  } catch {
    return false;
  }
}

/** A replica's public key, ready to verify its signatures. */
export function importVerifyKey(alg, raw) {
  const params = alg === 'ED25519' ? { name: 'Ed25519' } : ECDSA;
  return crypto.subtle.importKey('raw', raw, params, false, ['verify']);
}

export async function verify(alg, cryptoKey, signature, bytes) {
  const params = alg === 'ED25519' ? { name: 'Ed25519' } : ECDSA_SIGN;
  try {
    return await crypto.subtle.verify(params, cryptoKey, signature, bytes);
  } catch {
    return false; // a malformed signature is a bad one
  }
}

/**
 * The browser's persistent client key: loaded from IndexedDB (database "bastion", store "keys",
 * entry {@code name}) or generated once and stored there. The private key never leaves WebCrypto:
 * IndexedDB stores the non-extractable CryptoKey object itself. Without IndexedDB (Node), a fresh key.
 */
export async function storedClientKey(name = 'default', alg = 'ECDSA_P256') {
  const stored = await loadStoredClientKey(name);
  if (stored) return stored;
  const key = await generateClientKey(alg);
  await storeClientKey(name, key);
  return key;
}

/** The client key stored under {@code name}, or null when there is none (or no IndexedDB). */
export async function loadStoredClientKey(name) {
  const stored = await keyStore('readonly', (s) => s.get(name));
  return stored ? { alg: stored.alg, raw: stored.raw, privateKey: stored.privateKey, publicKey: stored.publicKey } : null;
}

/** Stores {@code key} (from generateClientKey) under {@code name}, replacing what was there. */
export async function storeClientKey(name, key) {
  await keyStore('readwrite', (s) => s.put({ alg: key.alg, raw: key.raw, privateKey: key.privateKey,
    publicKey: key.publicKey }, name));
}

/** Forgets the key stored under {@code name}: its private key is gone for good. */
export async function forgetStoredClientKey(name) {
  await keyStore('readwrite', (s) => s.delete(name));
}

/** Runs one request on the "keys" store; undefined without IndexedDB. */
async function keyStore(mode, action) {
  if (typeof indexedDB === 'undefined') return undefined;
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('bastion', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('keys');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    return await new Promise((resolve, reject) => {
      const r = action(db.transaction('keys', mode).objectStore('keys'));
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  } finally {
    db.close();
  }
}
