// OSS signature V4 (`OSS4-HMAC-SHA256` in the Authorization header), computed with Web Crypto so it
// runs in the ESA routine: the bucket is private, and a routine's fetch() is a plain HTTP request.
// Follows OSS's "Include a V4 signature in the header (recommended)": the canonical request is
// method, URI-encoded `/bucket/key`, query (none here), the signed headers (every `x-oss-*`), the
// additional headers (none), and `UNSIGNED-PAYLOAD`; the key is HMAC-SHA256 chained over
// "aliyun_v4" + secret, the date, the region, "oss" and "aliyun_v4_request".

const ALGORITHM = 'OSS4-HMAC-SHA256';
const encoder = new TextEncoder();

/**
 * A signer for GET/HEAD object requests with one read-only access key.
 * @param {{bucket: string, region: string, accessKeyId: string, accessKeySecret: string, securityToken?: string}} credential
 */
export function ossSigner({ bucket, region, accessKeyId, accessKeySecret, securityToken }) {
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (!subtle) throw new Error('this runtime has no crypto.subtle (Web Crypto), which signing OSS requests needs');
  let keyDay = null;
  let keyOfDay = null;

  async function signingKey(day) {
    if (day !== keyDay) {
      let key = encoder.encode('aliyun_v4' + accessKeySecret);
      for (const part of [day, region, 'oss', 'aliyun_v4_request']) key = await hmac(subtle, key, part);
      keyOfDay = key;
      keyDay = day;
    }
    return keyOfDay;
  }

  /** The headers that sign `method` on object `key` at `now`. */
  return async function sign(method, key, now = new Date()) {
    const date = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''); // yyyyMMddTHHmmssZ
    const day = date.slice(0, 8);
    const headers = { 'x-oss-content-sha256': 'UNSIGNED-PAYLOAD', 'x-oss-date': date };
    if (securityToken) headers['x-oss-security-token'] = securityToken;
    const names = Object.keys(headers).sort();
    const canonical = [method, uriEncode(`/${bucket}/${key}`), '', ...names.map((n) => `${n}:${headers[n]}`), '', '', 'UNSIGNED-PAYLOAD'].join('\n');
    const scope = `${day}/${region}/oss/aliyun_v4_request`;
    const stringToSign = [ALGORITHM, date, scope, hex(await subtle.digest('SHA-256', encoder.encode(canonical)))].join('\n');
    const signature = hex(await hmac(subtle, await signingKey(day), stringToSign));
    headers.authorization = `${ALGORITHM} Credential=${accessKeyId}/${scope},Signature=${signature}`;
    return headers;
  };
}

async function hmac(subtle, keyBytes, text) {
  const key = await subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', key, encoder.encode(text)));
}

function hex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

// RFC 3986 unreserved characters stay, and `/`; every other byte of the UTF-8 is %XX.
function uriEncode(path) {
  let out = '';
  for (const b of encoder.encode(path)) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~\/]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
