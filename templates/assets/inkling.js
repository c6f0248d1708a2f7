/*
 * inkling.js: the Inkling model in the browser and in node. Zero dependencies, a classic
 * script (file:// pages cannot load ES modules), the same file in both places.
 *
 *   const Inkling = require('./templates/assets/inkling.js');   // in the page: window.Inkling
 *   const model = Inkling.loadModel(text);                        // weights/model.json's text (or bytes, or parsed object)
 *   model.sha256                                                  // SHA-256 of that text (null if given an object)
 *   const pre = Inkling.preprocess({ data, width, height });      // RGBA bytes -> { input: Float32Array(784), blank }
 *   const out = model.predict(pre.input);
 *   // -> { digit, confidence, probabilities: [10], logits: [10], unsure }
 *   const maps = model.activations(pre.input);                    // [{ layer, type, shape, values }] per layer
 *   const report = Inkling.checkGolden(model, goldenObjOrText, { modelSha256 });   // weights/golden.json
 *   // -> { pass, count, failures: [...], problems: [...], worst: { case, field, diff, tolerance } }
 *
 * Every refusal is an InklingError ("<file>: <problem>", e.name === 'InklingError'): a model
 * file outside the limits shared with Swift (docs/weights-format.md), a non-finite input, an
 * image of the wrong size or type, a malformed golden file. Nothing else is ever thrown.
 *
 * Mirrors the Swift code one for one: `loadModel` validates like Format/ModelFile.swift, the
 * layers (conv2d, relu, maxpool2d, flatten, dense) compute what Layers/ computes (here in
 * float64), and `preprocess` is Vision/Preprocess*.swift step for step (docs/preprocessing.md),
 * with the same float64 operation order and explicit rounding, so both give the same bits.
 */
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.Inkling = factory();
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  // ---------------------------------------------------------------------------------------
  // Errors: "<file>: <what was expected>, found <what>", like ModelFileError in Swift.

  class InklingErrorType extends Error {
    constructor(file, problem) {
      super(file + ': ' + problem);
      this.name = 'InklingError';
      this.file = file;
      this.problem = problem;
    }
  }
  function InklingError(file, problem) { return new InklingErrorType(file, problem); }

  // ---------------------------------------------------------------------------------------
  // Text: UTF-8, SHA-256 and a strict JSON parser, so the page and node read a model file
  // exactly as Swift does (docs/weights-format.md, LIMITS) and can name the file's hash.

  const MAX_FILE_BYTES = 64 * 1024 * 1024;
  const MAX_JSON_DEPTH = 64;

  // String -> UTF-8 bytes. A lone surrogate has no UTF-8 form: refused, not replaced. The
  // platform's TextEncoder (node and every browser) is used when the text is well formed.
  const ENCODER = typeof TextEncoder === 'function' ? new TextEncoder() : null;
  function utf8Encode(text, file) {
    if (ENCODER && typeof text.isWellFormed === 'function' && text.isWellFormed()) return ENCODER.encode(text);
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xD800 && c <= 0xDBFF) {
        const d = text.charCodeAt(i + 1);
        if (!(d >= 0xDC00 && d <= 0xDFFF)) throw InklingError(file, 'not valid Unicode text: unpaired surrogate at character ' + i);
        n += 4; i++;
      } else if (c >= 0xDC00 && c <= 0xDFFF) throw InklingError(file, 'not valid Unicode text: unpaired surrogate at character ' + i);
      else n += 3;
    }
    const out = new Uint8Array(n);
    let o = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) { out[o++] = c; continue; }
      if (c < 0x800) { out[o++] = 0xC0 | (c >> 6); out[o++] = 0x80 | (c & 63); continue; }
      if (c >= 0xD800 && c <= 0xDBFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (text.charCodeAt(++i) - 0xDC00);
        out[o++] = 0xF0 | (c >> 18); out[o++] = 0x80 | ((c >> 12) & 63); out[o++] = 0x80 | ((c >> 6) & 63); out[o++] = 0x80 | (c & 63);
        continue;
      }
      out[o++] = 0xE0 | (c >> 12); out[o++] = 0x80 | ((c >> 6) & 63); out[o++] = 0x80 | (c & 63);
    }
    return out;
  }

  // UTF-8 bytes -> string, strictly (RFC 3629): no overlong forms, surrogates or bytes past
  // U+10FFFF. A UTF-16 byte order mark gets its own message: the usual way a file goes wrong.
  function utf8Decode(bytes, file) {
    if (bytes.length >= 2 && ((bytes[0] === 0xFF && bytes[1] === 0xFE) || (bytes[0] === 0xFE && bytes[1] === 0xFF))) {
      throw InklingError(file, 'the file is UTF-16 (it starts with a UTF-16 byte order mark); expected UTF-8');
    }
    if (typeof TextDecoder === 'function') {
      // The platform's strict decoder when there is one; on failure the loop below finds the place.
      try { return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes); } catch (e) { /* below */ }
    }
    const bad = function (i) { return InklingError(file, 'not valid UTF-8: malformed byte sequence at byte ' + i); };
    const parts = [];
    let units = [];
    for (let i = 0; i < bytes.length;) {
      const b = bytes[i];
      let cp, len;
      if (b < 0x80) { cp = b; len = 1; }
      else if (b >= 0xC2 && b <= 0xDF) { cp = b & 31; len = 2; }
      else if (b >= 0xE0 && b <= 0xEF) { cp = b & 15; len = 3; }
      else if (b >= 0xF0 && b <= 0xF4) { cp = b & 7; len = 4; }
      else throw bad(i);
      if (i + len > bytes.length) throw bad(i);
      for (let j = 1; j < len; j++) {
        const c = bytes[i + j];
        if ((c & 0xC0) !== 0x80) throw bad(i);
        cp = (cp << 6) | (c & 63);
      }
      if ((len === 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len === 4 && (cp < 0x10000 || cp > 0x10FFFF))) throw bad(i);
      if (cp < 0x10000) units.push(cp);
      else { cp -= 0x10000; units.push(0xD800 + (cp >> 10), 0xDC00 + (cp & 1023)); }
      if (units.length >= 8192) { parts.push(String.fromCharCode.apply(null, units)); units = []; }
      i += len;
    }
    parts.push(String.fromCharCode.apply(null, units));
    return parts.join('');
  }

  // SHA-256 (FIPS 180-4) of bytes, as 64 lowercase hex digits: what `sha256sum` prints.
  const SHA_K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);

  function sha256Blocks(h, w, bytes, start, end) {
    for (let p = start; p < end; p += 64) {
      for (let t = 0; t < 16; t++) {
        const q = p + 4 * t;
        w[t] = (bytes[q] << 24) | (bytes[q + 1] << 16) | (bytes[q + 2] << 8) | bytes[q + 3];
      }
      for (let t = 16; t < 64; t++) {
        const a = w[t - 15], b = w[t - 2];
        const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
        const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (let t = 0; t < 64; t++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (k + S1 + ((e & f) ^ (~e & g)) + SHA_K[t] + w[t]) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
  }

  function sha256(bytes) {
    if (typeof bytes === 'string') bytes = utf8Encode(bytes, 'sha256');
    const h = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    const w = new Int32Array(64), n = bytes.length, full = n - (n % 64);
    sha256Blocks(h, w, bytes, 0, full);
    // Tail: the last partial block, 0x80, zeros, and the length in bits as 64-bit big-endian.
    const tail = new Uint8Array(n % 64 < 56 ? 64 : 128);
    tail.set(bytes.subarray(full));
    tail[n % 64] = 0x80;
    const hi = Math.floor(n / 0x20000000), lo = (n * 8) >>> 0, e = tail.length;
    tail[e - 8] = hi >>> 24; tail[e - 7] = hi >>> 16; tail[e - 6] = hi >>> 8; tail[e - 5] = hi;
    tail[e - 4] = lo >>> 24; tail[e - 3] = lo >>> 16; tail[e - 2] = lo >>> 8; tail[e - 1] = lo;
    sha256Blocks(h, w, tail, 0, e);
    let hex = '';
    for (let i = 0; i < 8; i++) hex += (h[i] >>> 0).toString(16).padStart(8, '0');
    return hex;
  }

  // Strict JSON (RFC 8259): no BOM, comments, trailing commas, NaN/Infinity, duplicate keys
  // (at any level), unescaped control characters or unpaired surrogates; nesting at most 64
  // deep; numbers must fit a double. Keys are defined as own properties, so "__proto__" is
  // data, never a prototype. Errors give line, column and character offset.
  function parseJSON(text, file) {
    const n = text.length;
    let i = 0;
    function fail(problem, at) {
      let line = 1, col = 1;
      for (let j = 0; j < at && j < n; j++) { if (text.charCodeAt(j) === 10) { line++; col = 1; } else col++; }
      throw InklingError(file, 'not valid JSON: ' + problem + ' at line ' + line + ', column ' + col + ' (character ' + at + ')');
    }
    function what(at) {
      if (at >= n) return 'end of text';
      const c = text.charCodeAt(at);
      if (c === 0xFEFF && at === 0) return 'a byte order mark (BOM); the file must be UTF-8 without BOM';
      if (c === 0 || c === 0xFFFD) return 'U+' + c.toString(16).toUpperCase().padStart(4, '0') + ' (is the file UTF-16? it must be UTF-8)';
      if (c > 32 && c < 127) return '"' + text[at] + '"';
      return 'U+' + c.toString(16).toUpperCase().padStart(4, '0');
    }
    function ws() {
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 32 || c === 10 || c === 13 || c === 9) i++; else break;
      }
    }
    function value(depth) {
      ws();
      const c = text.charCodeAt(i);
      if (c === 123 || c === 91) {
        if (depth >= MAX_JSON_DEPTH) fail('nesting deeper than ' + MAX_JSON_DEPTH + ' levels', i);
        return c === 123 ? object(depth + 1) : array(depth + 1);
      }
      if (c === 34) return string();
      if (c === 45 || (c >= 48 && c <= 57)) return number();
      if (text.startsWith('true', i)) { i += 4; return true; }
      if (text.startsWith('false', i)) { i += 5; return false; }
      if (text.startsWith('null', i)) { i += 4; return null; }
      return fail('unexpected ' + what(i) + ', expected a value', i);
    }
    function object(depth) {
      const obj = {}, start = i;
      i++;
      ws();
      if (text.charCodeAt(i) === 125) { i++; return obj; }
      for (;;) {
        ws();
        if (text.charCodeAt(i) !== 34) fail('unexpected ' + what(i) + ', expected a "key" (object opened at character ' + start + ')', i);
        const at = i, key = string();
        if (Object.prototype.hasOwnProperty.call(obj, key)) fail('duplicate key ' + JSON.stringify(key), at);
        ws();
        if (text.charCodeAt(i) !== 58) fail('unexpected ' + what(i) + ', expected ":"', i);
        i++;
        const v = value(depth);
        if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[key] = v;
        ws();
        const c = text.charCodeAt(i);
        if (c === 125) { i++; return obj; }
        if (c !== 44) fail('unexpected ' + what(i) + ', expected "," or "}"', i);
        const comma = i++;
        ws();
        if (text.charCodeAt(i) === 125) fail('trailing comma', comma);
      }
    }
    function array(depth) {
      const arr = [];
      i++;
      ws();
      if (text.charCodeAt(i) === 93) { i++; return arr; }
      for (;;) {
        arr.push(value(depth));
        ws();
        const c = text.charCodeAt(i);
        if (c === 93) { i++; return arr; }
        if (c !== 44) fail('unexpected ' + what(i) + ', expected "," or "]"', i);
        const comma = i++;
        ws();
        if (text.charCodeAt(i) === 93) fail('trailing comma', comma);
      }
    }
    function digits() { const s = i; while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++; return i - s; }
    function number() {
      const start = i;
      if (text.charCodeAt(i) === 45) i++;
      if (text.charCodeAt(i) === 48) {
        i++;
        if (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) fail('number with a leading zero', start);
      } else if (digits() === 0) fail('invalid number', start);
      if (text.charCodeAt(i) === 46) { i++; if (digits() === 0) fail('invalid number (no digit after ".")', start); }
      const e = text.charCodeAt(i);
      if (e === 101 || e === 69) {
        i++;
        if (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45) i++;
        if (digits() === 0) fail('invalid number (no digit in the exponent)', start);
      }
      const v = Number(text.slice(start, i));
      if (!isFinite(v)) fail('number ' + text.slice(start, Math.min(i, start + 40)) + ' is out of range', start);
      return v;
    }
    function hex4(at) {
      let v = 0;
      for (let j = 0; j < 4; j++) {
        const c = text.charCodeAt(at + j);
        const d = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
        if (d < 0) fail('invalid \\u escape', at - 2);
        v = v * 16 + d;
      }
      return v;
    }
    const ESCAPES = { 34: '"', 92: '\\', 47: '/', 98: '\b', 102: '\f', 110: '\n', 114: '\r', 116: '\t' };
    // The next character in a string that needs a look: quote, backslash, control, surrogate.
    // A native search, so long plain runs (base64 tensors) cost one call.
    const SPECIAL = /["\\\u0000-\u001f\ud800-\udfff]/g;
    function string() {
      const start = i++;
      let out = '', run = i;
      for (;;) {
        SPECIAL.lastIndex = i;
        if (SPECIAL.exec(text) === null) fail('unterminated string', start);
        i = SPECIAL.lastIndex - 1;
        const c = text.charCodeAt(i);
        if (c === 34) { out += text.slice(run, i); i++; return out; }
        if (c < 32) fail('control character ' + what(i) + ' in a string (it must be escaped)', i);
        if (c >= 0xD800 && c <= 0xDFFF) {
          const d = text.charCodeAt(i + 1);
          if (c >= 0xDC00 || !(d >= 0xDC00 && d <= 0xDFFF)) fail('unpaired surrogate in a string', i);
          i += 2;
          continue;
        }
        if (c !== 92) { i++; continue; }
        out += text.slice(run, i);
        const e = text.charCodeAt(i + 1);
        if (e === 117) {
          let u = hex4(i + 2);
          i += 6;
          if (u >= 0xD800 && u <= 0xDBFF) {
            if (text.charCodeAt(i) !== 92 || text.charCodeAt(i + 1) !== 117) fail('unpaired surrogate escape', i - 6);
            const lo = hex4(i + 2);
            if (!(lo >= 0xDC00 && lo <= 0xDFFF)) fail('unpaired surrogate escape', i - 6);
            out += String.fromCharCode(u, lo);
            i += 6;
          } else if (u >= 0xDC00 && u <= 0xDFFF) {
            fail('unpaired surrogate escape', i - 6);
          } else out += String.fromCharCode(u);
        } else if (ESCAPES[e] !== undefined) {
          out += ESCAPES[e];
          i += 2;
        } else fail('invalid escape ' + what(i + 1), i);
        run = i;
      }
    }
    if (typeof text !== 'string') throw InklingError(file, 'expected the file text as a string, found ' + kind(text));
    if (text.length > MAX_FILE_BYTES) throw InklingError(file, 'the file is larger than 64 MiB');
    if (n > 0 && text.charCodeAt(0) === 0xFEFF) fail(what(0), 0);
    const result = value(0);
    ws();
    if (i < n) fail('unexpected ' + what(i) + ' after the JSON value', i);
    return result;
  }

  // The text of a file given as a string or as its bytes, its SHA-256, and the parsed JSON.
  function readJSONFile(source, file) {
    let bytes, text;
    if (typeof source === 'string') {
      if (source.length > MAX_FILE_BYTES) throw InklingError(file, 'the file is larger than 64 MiB');
      text = source;
      bytes = utf8Encode(source, file);
    } else {
      bytes = source;
      if (bytes.length >= 3 && bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF) {
        throw InklingError(file, 'the file starts with a byte order mark (BOM); it must be UTF-8 without BOM');
      }
      text = utf8Decode(bytes, file);
    }
    if (bytes.length > MAX_FILE_BYTES) throw InklingError(file, 'the file is ' + bytes.length + ' bytes, the limit is 64 MiB');
    const value = parseJSON(text, file);
    return { value: value, sha256: sha256(bytes) };
  }

  // ---------------------------------------------------------------------------------------
  // Base64 (RFC 4648, padded) and float16, written out so node and the page decode alike and
  // malformed data is refused rather than silently truncated.

  const B64 = new Int16Array(128).fill(-1);
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach(function (c, i) { B64[c.charCodeAt(0)] = i; });

  // Returns a Uint8Array, or null when `s` is not valid padded base64.
  function decodeBase64(s) {
    if (typeof s !== 'string' || s.length % 4 !== 0) return null;
    let pad = 0;
    if (s.length > 0 && s[s.length - 1] === '=') pad = s[s.length - 2] === '=' ? 2 : 1;
    const n = s.length / 4 * 3 - pad, out = new Uint8Array(n);
    let o = 0;
    for (let i = 0; i < s.length; i += 4) {
      const last = i + 4 === s.length;
      const q = [0, 0, 0, 0];
      for (let j = 0; j < 4; j++) {
        const c = s.charCodeAt(i + j);
        if (last && c === 61 && j >= 4 - pad) { q[j] = 0; continue; }
        const v = c < 128 ? B64[c] : -1;
        if (v < 0) return null;
        q[j] = v;
      }
      const bits = (q[0] << 18) | (q[1] << 12) | (q[2] << 6) | q[3];
      if (o < n) out[o++] = bits >> 16;
      if (o < n) out[o++] = (bits >> 8) & 255;
      if (o < n) out[o++] = bits & 255;
    }
    return out;
  }

  const POW2 = new Float64Array(64);   // 2^(e - 30), exact
  (function () { let v = 1; for (let i = 0; i < 30; i++) v /= 2; for (let e = 0; e < 64; e++) { POW2[e] = v; v *= 2; } })();

  function halfToFloat(h) {
    const sign = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, m = h & 1023;
    if (e === 0) return sign * m * POW2[30 - 24];               // subnormal: m * 2^-24
    if (e === 31) return m ? NaN : sign * Infinity;
    return sign * (1024 + m) * POW2[30 + e - 25];              // (1 + m/1024) * 2^(e-15)
  }

  // ---------------------------------------------------------------------------------------
  // The model file (docs/weights-format.md), validated to the limits shared with Swift's
  // ModelFile.validate (LIMITS): a file that passes can be run, in bounded time and memory;
  // any other file gets an InklingError naming what is wrong, never a TypeError or a hang.

  const KNOWN_TYPES = ['conv2d', 'relu', 'maxpool2d', 'flatten', 'dense'];
  const LIMITS = Object.freeze({
    layers: 64, nameLength: 64, outChannels: 512, kernel: 11, convStride: 4, poolSize: 8, poolStride: 8,
    outFeatures: 4096, tensorDims: 4, tensorSide: 16777216, tensorValues: 4000000,
    multiplyAdds: 10000000, activations: 2000000, im2col: 2000000, parameters: 4000000,
  });

  const hasOwn = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };
  // Bytes from any realm (another frame, a vm context): instanceof would miss them.
  function byteKind(v) {
    if (!ArrayBuffer.isView(v)) return null;
    const tag = Object.prototype.toString.call(v);
    return tag === '[object Uint8Array]' || tag === '[object Uint8ClampedArray]' ? tag : null;
  }
  function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v); }
  function isInt(v) { return typeof v === 'number' && Number.isSafeInteger(v) && !Object.is(v, -0); }
  function intIn(v, lo, hi) { return isInt(v) && v >= lo && v <= hi; }
  function same(a, b) {
    if (!Array.isArray(a) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i] || Object.is(a[i], -0)) return false;
    return true;
  }
  // Product of sizes, or Infinity once it is no longer an exact (safe) integer.
  function product(xs) {
    let p = 1;
    for (let i = 0; i < xs.length; i++) { p *= xs[i]; if (!Number.isSafeInteger(p)) return Infinity; }
    return p;
  }
  // A short description of any value for messages: never huge, never throws.
  function show(v, depth) {
    if (v === undefined) return 'nothing';
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    if (typeof v === 'string') return JSON.stringify(v.length > 64 ? v.slice(0, 64) + '…' : v);
    if (Array.isArray(v)) {
      if ((depth || 0) > 1) return '[…]';
      const items = v.slice(0, 8).map(function (x) { return show(x, (depth || 0) + 1); });
      return '[' + items.join(', ') + (v.length > 8 ? ', … (' + v.length + ' items)' : '') + ']';
    }
    if (v === null || typeof v === 'boolean') return String(v);
    return kind(v);
  }
  function kind(v) {
    if (v === undefined) return 'nothing';
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    if (ArrayBuffer.isView(v)) return 'a ' + (v.constructor && v.constructor.name || 'typed array');
    if (typeof v === 'object') return 'an object';
    if (typeof v === 'number') return 'the number ' + show(v);
    if (typeof v === 'string') return 'the string ' + show(v);
    return typeof v;
  }
  // A string as it appears inside a message: escaped like JSON, at most 64 characters, no quotes.
  function label(s) { return typeof s === 'string' ? show(s).slice(1, -1) : show(s); }
  function codePoints(s) { let n = 0; for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c < 0xDC00 || c > 0xDFFF) n++; } return n; }
  // Swift keeps mean, std, temperature and unsure_below as Float: compare them as Float too.
  function floatIn(v, lo, hi) { return typeof v === 'number' && isFinite(v) && Math.fround(v) >= Math.fround(lo) && Math.fround(v) <= Math.fround(hi); }

  // Header of one tensor: dtype, shape and value count, before any data is decoded.
  function tensorHeader(t, name, fail) {
    const at = 'tensor ' + label(name);
    if (!isObject(t)) throw fail(at + ': expected an object with dtype, shape, data, found ' + kind(t));
    if (t.dtype !== 'float16' && t.dtype !== 'float32') throw fail(at + ': dtype must be "float16" or "float32", found ' + show(t.dtype));
    const s = t.shape;
    if (!Array.isArray(s) || s.length < 1 || s.length > LIMITS.tensorDims ||
        !s.every(function (d) { return intIn(d, 1, LIMITS.tensorSide); })) {
      throw fail(at + ': shape must be 1 to 4 sizes, each an integer in 1...16777216, found ' + show(s));
    }
    const count = product(s);
    if (count > LIMITS.tensorValues) throw fail(at + ': shape ' + show(s) + ' holds ' + count + ' values, the limit is 4000000');
    if (typeof t.data !== 'string') throw fail(at + ': data must be a base64 string, found ' + kind(t.data));
    return { name: name, dtype: t.dtype, shape: s.slice(), count: count, data: t.data, values: null };
  }

  function decodeTensor(h, fail) {
    const at = 'tensor ' + label(h.name), size = h.dtype === 'float16' ? 2 : 4, want = h.count * size;
    const chars = 4 * Math.ceil(want / 3);   // padded base64 of `want` bytes
    if (h.data.length > chars + 4) {
      throw fail(at + ': expected ' + want + ' bytes for shape ' + show(h.shape) + ' as ' + h.dtype + ' (' + chars + ' base64 characters), found ' + h.data.length + ' characters');
    }
    const bytes = decodeBase64(h.data);
    if (bytes === null) throw fail(at + ': data is not valid base64 (truncated or corrupt)');
    if (bytes.length !== want) {
      throw fail(at + ': expected ' + want + ' bytes for shape ' + show(h.shape) + ' as ' + h.dtype + ', found ' + bytes.length);
    }
    const values = new Float64Array(h.count);
    if (size === 2) {
      for (let i = 0; i < h.count; i++) values[i] = halfToFloat(bytes[2 * i] | (bytes[2 * i + 1] << 8));
    } else {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      for (let i = 0; i < h.count; i++) values[i] = view.getFloat32(4 * i, true);
    }
    for (let i = 0; i < h.count; i++) {
      if (!isFinite(values[i])) throw fail(at + ': value ' + i + ' is ' + values[i] + ' (NaN or infinity)');
    }
    h.values = values;
  }

  // loadModel(source, file): source is the model file's text (preferred: the model then
  // knows its SHA-256 as `model.sha256`, which the golden check needs), its bytes
  // (Uint8Array), or the already parsed object (then `model.sha256` is null).
  function loadModel(source, file) {
    file = typeof file === 'string' && file ? file : 'model.json';
    let obj = source, sha = null;
    if (typeof source === 'string' || byteKind(source) === '[object Uint8Array]') {
      const read = readJSONFile(source, file);
      obj = read.value;
      sha = read.sha256;
    }
    const model = buildModel(obj, file);
    model.sha256 = sha;
    return model;
  }

  function buildModel(obj, file) {
    const fail = function (problem) { return InklingError(file, problem); };
    if (!isObject(obj)) throw fail('expected a JSON object at top level, found ' + kind(obj));
    if (!hasOwn(obj, 'format')) throw fail('missing key "format" at top level');
    if (obj.format !== 'inkling-model') throw fail('format is ' + show(obj.format) + ', expected "inkling-model"');
    if (!hasOwn(obj, 'version')) throw fail('missing key "version" at top level');
    if (obj.version !== 1 || Object.is(obj.version, -0)) throw fail('unsupported format version ' + show(obj.version) + '; this build reads version 1');
    for (const key of ['input', 'layers', 'tensors', 'calibration', 'training']) {
      if (!hasOwn(obj, key)) throw fail('missing key "' + key + '" at top level');
    }
    for (const key of ['input', 'tensors', 'calibration', 'training']) {
      if (!isObject(obj[key])) throw fail(key + ': expected an object, found ' + kind(obj[key]));
    }

    // input and calibration
    const inp = obj.input, cal = obj.calibration;
    if (inp.height !== 28 || inp.width !== 28 || inp.channels !== 1) {
      throw fail('input: height, width, channels must be 28, 28, 1 (what preprocessing produces), found ' +
                 show(inp.height) + ', ' + show(inp.width) + ', ' + show(inp.channels));
    }
    if (!floatIn(inp.mean, -1000, 1000)) throw fail('input: mean must be a finite number with |mean| <= 1000, found ' + show(inp.mean));
    if (!floatIn(inp.std, 0.001, 1000)) throw fail('input: std must be a finite number in [0.001, 1000], found ' + show(inp.std));
    if (!floatIn(cal.temperature, 0.01, 100)) throw fail('calibration: temperature must be a finite number in [0.01, 100], found ' + show(cal.temperature));
    if (!floatIn(cal.unsure_below, 0, 1)) throw fail('calibration: unsure_below must be a number in [0, 1], found ' + show(cal.unsure_below));

    // tensors: headers and the parameter budget first, then the data
    const tensors = new Map();
    let parameters = 0;
    for (const name of Object.keys(obj.tensors)) {
      const h = tensorHeader(obj.tensors[name], name, fail);
      parameters += h.count;
      if (parameters > LIMITS.parameters) throw fail('tensors: more than 4000000 parameters in all (at tensor ' + label(name) + ')');
      tensors.set(name, h);
    }
    tensors.forEach(function (h) { decodeTensor(h, fail); });

    // layers: each checked against the shape the previous one gives, with the budgets
    const list = obj.layers;
    if (!Array.isArray(list)) throw fail('layers: expected an array, found ' + kind(list));
    if (list.length === 0) throw fail('layers: the list is empty');
    if (list.length > LIMITS.layers) throw fail('layers: ' + list.length + ' layers, the limit is 64');
    let shape = [1, 28, 28], multiplyAdds = 0, activations = 0;
    const used = new Set(), layers = [];
    for (let i = 0; i < list.length; i++) {
      const l = list[i];
      if (!isObject(l)) throw fail('layer ' + i + ': expected an object, found ' + kind(l));
      const name = l.name, type = l.type;
      const at = 'layer ' + i + ' (' + label(name) + ', ' +
                 label(type) + ')';
      const bad = function (problem) { return fail(at + ': ' + problem); };
      if (typeof name !== 'string' || codePoints(name) < 1 || codePoints(name) > LIMITS.nameLength) {
        throw bad('name must be a string of 1 to 64 characters, found ' + show(name));
      }
      if (KNOWN_TYPES.indexOf(type) < 0) throw bad('unknown layer type ' + show(type) + '; known types: ' + KNOWN_TYPES.join(', '));
      // Shapes are arrays of positive integers; output_shape is compared with the computed shape at the end.
      const s = l.input_shape;
      if (!Array.isArray(s) || s.length < 1 || !s.every(function (d) { return intIn(d, 1, Number.MAX_SAFE_INTEGER); })) {
        throw bad('input_shape must be an array of positive integers, found ' + show(s));
      }
      if (!same(l.input_shape, shape)) throw bad('input_shape ' + show(l.input_shape) + ', but the previous layer gives ' + show(shape));
      const tensor = function (key, want) {
        const tname = l[key];
        if (typeof tname !== 'string') throw bad(key + ': expected a tensor name, found ' + show(tname));
        const t = tensors.get(tname);
        if (!t) throw bad('tensor "' + label(tname) + '" is missing');
        if (!same(t.shape, want)) throw bad('tensor ' + label(tname) + ' has shape ' + show(t.shape) + ', expected ' + show(want));
        used.add(tname);
        return t.values;
      };
      let out, layer, macs = 0;
      if (type === 'conv2d' || type === 'maxpool2d') {
        if (shape.length !== 3) throw bad('needs a 3-D input [C, H, W], found ' + show(shape));
      }
      if (type === 'conv2d') {
        const C = shape[0], H = shape[1], W = shape[2];
        const cin = l.in_channels, cout = l.out_channels, k = l.kernel, s = l.stride, p = l.padding;
        if (cin !== C || !isInt(cin)) throw bad('in_channels must be ' + C + ' (the input\'s channels), found ' + show(cin));
        if (!intIn(cout, 1, LIMITS.outChannels)) throw bad('out_channels must be an integer in 1...512, found ' + show(cout));
        if (!intIn(k, 1, LIMITS.kernel)) throw bad('kernel must be an integer in 1...11, found ' + show(k));
        if (!intIn(s, 1, LIMITS.convStride)) throw bad('stride must be an integer in 1...4, found ' + show(s));
        if (!intIn(p, 0, k - 1)) throw bad('padding must be an integer in 0...' + (k - 1) + ' (kernel - 1), found ' + show(p));
        if (H + 2 * p < k || W + 2 * p < k) throw bad('kernel ' + k + ' with padding ' + p + ' does not fit input ' + show(shape) + ' (the output would be empty)');
        out = [cout, Math.floor((H + 2 * p - k) / s) + 1, Math.floor((W + 2 * p - k) / s) + 1];
        const im2col = product([cin, k, k, out[1], out[2]]);
        if (im2col > LIMITS.im2col) throw bad('im2col needs ' + im2col + ' values per image, the limit is 2000000');
        macs = product([cout, out[1], out[2], cin, k, k]);
        layer = { type: type, name: name, inShape: shape, outShape: out, k: k, stride: s, pad: p,
                  weight: tensor('weight', [cout, cin, k, k]), bias: tensor('bias', [cout]) };
      } else if (type === 'maxpool2d') {
        const size = l.size, s = l.stride;
        if (!intIn(size, 1, LIMITS.poolSize)) throw bad('size must be an integer in 1...8, found ' + show(size));
        if (!intIn(s, 1, LIMITS.poolStride)) throw bad('stride must be an integer in 1...8, found ' + show(s));
        if (shape[1] < size || shape[2] < size) throw bad('size ' + size + ' does not fit input ' + show(shape) + ' (the output would be empty)');
        out = [shape[0], Math.floor((shape[1] - size) / s) + 1, Math.floor((shape[2] - size) / s) + 1];
        macs = product([out[0], out[1], out[2], size, size]);
        layer = { type: type, name: name, inShape: shape, outShape: out, size: size, stride: s };
      } else if (type === 'relu') {
        out = shape.slice();
        layer = { type: type, name: name, inShape: shape, outShape: out };
      } else if (type === 'flatten') {
        out = [product(shape)];
        layer = { type: type, name: name, inShape: shape, outShape: out };
      } else {  // dense
        if (shape.length !== 1) throw bad('needs a 1-D input [F] (flatten first), found ' + show(shape));
        const fin = l.in_features, fout = l.out_features;
        if (fin !== shape[0] || !isInt(fin)) throw bad('in_features must be ' + shape[0] + ' (the input\'s features), found ' + show(fin));
        if (!intIn(fout, 1, LIMITS.outFeatures)) throw bad('out_features must be an integer in 1...4096, found ' + show(fout));
        out = [fout];
        macs = product([fin, fout]);
        layer = { type: type, name: name, inShape: shape, outShape: out,
                  weight: tensor('weight', [fout, fin]), bias: tensor('bias', [fout]) };
      }
      if (!same(l.output_shape, out)) throw bad('output_shape ' + show(l.output_shape) + ', expected ' + show(out));
      multiplyAdds += macs;
      if (!(multiplyAdds <= LIMITS.multiplyAdds)) throw bad('the model reaches ' + multiplyAdds + ' multiply-adds per image here, the limit is 10000000');
      activations += product(out);
      if (!(activations <= LIMITS.activations)) throw bad('the model reaches ' + activations + ' activation values per image here, the limit is 2000000');
      layers.push(layer);
      shape = out;
    }
    if (!same(shape, [10])) throw fail('the last layer gives ' + show(shape) + ', expected [10] logits');
    const extra = [];
    tensors.forEach(function (h, name) { if (!used.has(name)) extra.push(name); });
    if (extra.length) throw fail('tensors not used by any layer: ' + extra.sort().map(function (s) { return label(s); }).join(', '));
    return new Model(inp, cal, layers);
  }


  // conv2d: out[o][y][x] = bias[o] + sum_{c,ky,kx} w[o][c][ky][kx] * in[c][y*s+ky-p][x*s+kx-p].
  // The input is copied into a zero-padded buffer; for each output pixel its C*k*k patch is
  // gathered once (through a precomputed index table) and dotted with four output
  // channels' weights at a time, so every loaded input value is used four times.
  function conv2d(L, inp, out) {
    const C = L.inShape[0], H = L.inShape[1], W = L.inShape[2];
    const O = L.outShape[0], OH = L.outShape[1], OW = L.outShape[2], P = L.pad, PW = W + 2 * P, PH = H + 2 * P;
    const padded = L.padded, patch = L.patch, index = L.index, w = L.weight, b = L.bias, K = L.patchSize;
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++) {
        const src = (c * H + y) * W, dst = (c * PH + y + P) * PW + P;
        for (let x = 0; x < W; x++) padded[dst + x] = inp[src + x];
      }
    }
    const HW = OH * OW, O4 = O - (O % 4);
    for (let px = 0; px < HW; px++) {
      const base = px * K;
      for (let j = 0; j < K; j++) patch[j] = padded[index[base + j]];
      let o = 0;
      for (; o < O4; o += 4) {
        const w0 = o * K, w1 = w0 + K, w2 = w1 + K, w3 = w2 + K;
        let s0 = b[o], s1 = b[o + 1], s2 = b[o + 2], s3 = b[o + 3];
        for (let j = 0; j < K; j++) {
          const v = patch[j];
          s0 += w[w0 + j] * v; s1 += w[w1 + j] * v; s2 += w[w2 + j] * v; s3 += w[w3 + j] * v;
        }
        out[o * HW + px] = s0; out[(o + 1) * HW + px] = s1; out[(o + 2) * HW + px] = s2; out[(o + 3) * HW + px] = s3;
      }
      for (; o < O; o++) {
        const w0 = o * K;
        let s = b[o];
        for (let j = 0; j < K; j++) s += w[w0 + j] * patch[j];
        out[o * HW + px] = s;
      }
    }
  }

  // Precomputed gather table: for output pixel px, entry j = (c, ky, kx) is the padded index.
  function prepareConv(L) {
    const C = L.inShape[0], H = L.inShape[1], W = L.inShape[2], k = L.k, s = L.stride, P = L.pad;
    const OH = L.outShape[1], OW = L.outShape[2], PW = W + 2 * P, PH = H + 2 * P, K = C * k * k;
    L.patchSize = K;
    L.padded = new Float64Array(C * PH * PW);
    L.patch = new Float64Array(K);
    L.index = new Int32Array(OH * OW * K);
    for (let y = 0; y < OH; y++) {
      for (let x = 0; x < OW; x++) {
        let j = (y * OW + x) * K;
        for (let c = 0; c < C; c++) {
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) L.index[j++] = (c * PH + y * s + ky) * PW + x * s + kx;
          }
        }
      }
    }
  }

  function relu(L, inp, out) {
    for (let i = 0; i < inp.length; i++) { const v = inp[i]; out[i] = v > 0 ? v : 0; }
  }

  function maxpool2d(L, inp, out) {
    const C = L.inShape[0], H = L.inShape[1], W = L.inShape[2], OH = L.outShape[1], OW = L.outShape[2];
    const size = L.size, s = L.stride;
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < OH; y++) {
        for (let x = 0; x < OW; x++) {
          let m = -Infinity;
          for (let ky = 0; ky < size; ky++) {
            const row = (c * H + y * s + ky) * W + x * s;
            for (let kx = 0; kx < size; kx++) { const v = inp[row + kx]; if (v > m) m = v; }
          }
          out[(c * OH + y) * OW + x] = m;
        }
      }
    }
  }

  function flatten(L, inp, out) { out.set(inp); }

  function dense(L, inp, out) {
    const fin = L.inShape[0], fout = L.outShape[0], w = L.weight, b = L.bias;
    for (let o = 0; o < fout; o++) {
      let s = b[o];
      const row = o * fin;
      for (let i = 0; i < fin; i++) s += w[row + i] * inp[i];
      out[o] = s;
    }
  }

  const FORWARD = { conv2d: conv2d, relu: relu, maxpool2d: maxpool2d, flatten: flatten, dense: dense };

  function Model(input, calibration, layers) {
    this.input = { height: input.height, width: input.width, mean: input.mean, std: input.std };
    // Swift holds these as Float: use the same float32 values.
    this.mean = Math.fround(input.mean);
    this.std = Math.fround(input.std);
    this.temperature = Math.fround(calibration.temperature);
    this.unsureBelow = Math.fround(calibration.unsure_below);
    this.calibration = calibration;
    this.layers = layers;
    this.pixels = input.height * input.width;
    this.x = new Float64Array(this.pixels);
    this.sha256 = null;   // set by loadModel when it was given the file's text
    let multiplyAdds = 0, parameters = 0;
    for (const L of layers) {
      L.out = new Float64Array(product(L.outShape));
      if (L.type === 'conv2d') { prepareConv(L); multiplyAdds += L.out.length * L.inShape[0] * L.k * L.k; }
      if (L.type === 'dense') multiplyAdds += L.inShape[0] * L.outShape[0];
      if (L.weight) parameters += L.weight.length + L.bias.length;
    }
    this.multiplyAdds = multiplyAdds;
    this.parameterCount = parameters;
  }

  // The model input: 784 finite numbers (1 = ink) as an Array or a typed array.
  function checkInput(input, pixels) {
    const fail = function (problem) { return InklingError('input', problem); };
    const typed = ArrayBuffer.isView(input) && Object.prototype.toString.call(input) !== '[object DataView]';
    if (!Array.isArray(input) && !typed) throw fail('expected ' + pixels + ' numbers (an Array or Float32Array), found ' + kind(input));
    if (input.length !== pixels) throw fail('expected ' + pixels + ' values, found ' + input.length);
    for (let i = 0; i < pixels; i++) {
      const v = input[i];
      if (typeof v !== 'number' || !isFinite(v)) throw fail('value ' + i + ' is ' + show(v) + '; expected a finite number');
    }
  }

  // Runs every layer; returns the last layer's output buffer (the 10 logits). Weights and
  // input are finite, but values can still grow past float32's range, where Swift (which
  // computes in float32) would get infinity, and relu or max-pool would then hide a NaN: every
  // layer's output is checked, so no digit is ever read from such values.
  const FLOAT32_MAX = 3.4028234663852886e38;
  Model.prototype.forward = function (input) {
    checkInput(input, this.pixels);
    const x = this.x, mean = this.mean, std = this.std;
    for (let i = 0; i < x.length; i++) x[i] = (input[i] - mean) / std;
    let a = x;
    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      FORWARD[L.type](L, a, L.out);
      a = L.out;
      for (let i = 0; i < a.length; i++) {
        if (!(Math.abs(a[i]) <= FLOAT32_MAX)) {
          throw InklingError('input', 'layer ' + l + ' (' + L.name + ', ' + L.type + ') gives ' + a[i] + ', beyond float32 range: the model overflows on this input');
        }
      }
    }
    return a;
  };

  // Raw logits as a fresh Float64Array(10).
  Model.prototype.logits = function (input) { return Float64Array.from(this.forward(input)); };

  Model.prototype.predict = function (input) {
    const z = this.forward(input), T = this.temperature;
    let mx = -Infinity;
    for (let i = 0; i < z.length; i++) if (z[i] / T > mx) mx = z[i] / T;
    const p = new Array(z.length);
    let sum = 0;
    for (let i = 0; i < z.length; i++) { p[i] = Math.exp(z[i] / T - mx); sum += p[i]; }
    let best = 0;
    for (let i = 0; i < z.length; i++) { p[i] /= sum; if (p[i] > p[best]) best = i; }
    if (!isFinite(mx) || !p.every(isFinite)) throw InklingError('input', 'the calibrated logits are not finite (logits / temperature overflow)');
    return { digit: best, confidence: p[best], probabilities: p, logits: Array.from(z), unsure: p[best] < this.unsureBelow };
  };

  // Every layer's output for one image: [{ layer, type, shape, values: Float32Array }].
  Model.prototype.activations = function (input) {
    this.forward(input);
    return this.layers.map(function (L) {
      return { layer: L.name, type: L.type, shape: L.outShape.slice(), values: Float32Array.from(L.out) };
    });
  };

  // ---------------------------------------------------------------------------------------
  // Preprocessing (docs/preprocessing.md), step for step as Vision/Preprocess*.swift.

  const NOISE_FLOOR = 24, MIN_CONTRAST = 40, INK_PERCENTILE = 95, MIN_ELONGATION = 6;
  const POLARITY_MARGIN = 32, WORK = 64, MARGIN = 8, BOX = 20, SIDE = 28;
  const STROKE_TARGET = 6, STROKE_LOW = 0.6, STROKE_HIGH = 1.75;

  function roundHalfUp(x) { return Math.floor(x + 0.5); }

  function kth(hist, k) {
    let seen = 0;
    for (let v = 0; v < hist.length; v++) { seen += hist[v]; if (seen > k) return v; }
    return hist.length - 1;
  }

  // Scratch buffer reused across calls (a drawing is preprocessed once per frame).
  let scratchS = new Float64Array(0);

  // Step 1 (PreprocessSignal.swift). Returns { s, mode, hist, candidates, rowMax, colMax }:
  // s in [0, 255] (0 = background) per pixel, and from the same pass the statistics steps 2
  // and 3 need: the histogram of round(s) over candidates (round(s) >= NOISE_FLOOR) and the
  // maximum of s per row and per column (the ink box for any threshold). Each hot loop is
  // its own small function, which V8 optimises far better than one big one.
  function inkSignal(p, w, h) {
    const n = w * h;
    if (scratchS.length < n) scratchS = new Float64Array(n);
    const sig = { s: scratchS, mode: 'alpha', hist: new Int32Array(256), candidates: 0,
                  rowMax: new Float64Array(h), colMax: new Float64Array(w) };
    const border = [];
    for (let y = 0; y < h; y++) {
      if (y === 0 || y === h - 1) { for (let x = 0; x < w; x++) border.push(y * w + x); }
      else { border.push(y * w); if (w > 1) border.push(y * w + w - 1); }
    }
    const alphaHist = new Int32Array(256);
    for (const i of border) alphaHist[p[4 * i + 3]]++;
    if (kth(alphaHist, (border.length - 1) >> 1) < 128) {
      sig.candidates = alphaPass(p, w, h, sig.s, sig.hist, sig.rowMax, sig.colMax);
      return sig;
    }
    const hr = new Int32Array(256), hg = new Int32Array(256), hb = new Int32Array(256);
    let opaque = 0;
    for (const i of border) {
      if (p[4 * i + 3] >= 128) { hr[p[4 * i]]++; hg[p[4 * i + 1]]++; hb[p[4 * i + 2]]++; opaque++; }
    }
    const br = kth(hr, (opaque - 1) >> 1), bg = kth(hg, (opaque - 1) >> 1), bb = kth(hb, (opaque - 1) >> 1);
    const dark = polarityIsDark(p, n, br, bg, bb);
    sig.mode = dark ? 'dark' : 'light';
    sig.candidates = colourPass(p, w, h, br, bg, bb, dark ? 1 : -1, sig.s, sig.hist, sig.rowMax, sig.colMax);
    return sig;
  }

  // Pass 1: dark ink if the ink energy beyond the margin is at least as large darkwards.
  // Pixels are composited over the background; opaque and fully transparent pixels take the
  // exact shortcut (the general formula gives the same bits for them).
  function polarityIsDark(p, n, br, bg, bb) {
    let energyDark = 0, energyLight = 0;
    for (let j = 0; j < 4 * n; j += 4) {
      const a = p[j + 3];
      let r = br, g = bg, b = bb;
      if (a === 255) { r = p[j]; g = p[j + 1]; b = p[j + 2]; }
      else if (a !== 0) { const ia = 255 - a; r = (p[j] * a + br * ia) / 255; g = (p[j + 1] * a + bg * ia) / 255; b = (p[j + 2] * a + bb * ia) / 255; }
      let dark = br - r, light = r - br;
      if (bg - g > dark) dark = bg - g;
      if (bb - b > dark) dark = bb - b;
      if (g - bg > light) light = g - bg;
      if (b - bb > light) light = b - bb;
      if (dark > POLARITY_MARGIN) energyDark += dark - POLARITY_MARGIN;
      if (light > POLARITY_MARGIN) energyLight += light - POLARITY_MARGIN;
    }
    return energyDark >= energyLight;
  }

  // Pass 2: the signal for the chosen polarity (sign +1 dark, -1 light) and its statistics.
  function colourPass(p, w, h, br, bg, bb, sign, s, hist, rowMax, colMax) {
    let candidates = 0;
    for (let y = 0; y < h; y++) {
      let rmax = 0;
      for (let x = 0, i = y * w, j = 4 * y * w; x < w; x++, i++, j += 4) {
        const a = p[j + 3];
        let r = br, g = bg, b = bb;
        if (a === 255) { r = p[j]; g = p[j + 1]; b = p[j + 2]; }
        else if (a !== 0) { const ia = 255 - a; r = (p[j] * a + br * ia) / 255; g = (p[j + 1] * a + bg * ia) / 255; b = (p[j + 2] * a + bb * ia) / 255; }
        let v;
        if (sign > 0) { v = br - r; if (bg - g > v) v = bg - g; if (bb - b > v) v = bb - b; }
        else { v = r - br; if (g - bg > v) v = g - bg; if (b - bb > v) v = b - bb; }
        if (!(v > 0)) v = 0;
        s[i] = v;
        if (v >= NOISE_FLOOR - 0.5) {            // else round(v) < NOISE_FLOOR: not a candidate
          const q = Math.floor(v + 0.5);
          if (q >= NOISE_FLOOR) { hist[q]++; candidates++; }
          if (v > rmax) rmax = v;
          if (v > colMax[x]) colMax[x] = v;
        }
      }
      rowMax[y] = rmax;
    }
    return candidates;
  }

  // Transparent background: the signal is the alpha coverage.
  function alphaPass(p, w, h, s, hist, rowMax, colMax) {
    let candidates = 0;
    for (let y = 0; y < h; y++) {
      let rmax = 0;
      for (let x = 0, i = y * w, j = 4 * y * w + 3; x < w; x++, i++, j += 4) {
        const v = p[j];
        s[i] = v;
        if (v >= NOISE_FLOOR) {
          hist[v]++; candidates++;
          if (v > rmax) rmax = v;
          if (v > colMax[x]) colMax[x] = v;
        }
      }
      rowMax[y] = rmax;
    }
    return candidates;
  }

  // Step 3 (PreprocessMask.swift, InkMask.sample): binary working mask with a margin.
  function sampleMask(s, w, h, x0, y0, x1, y1, t) {
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1, long = Math.max(bw, bh);
    const gw = Math.max(1, Math.floor((2 * bw * WORK + long) / (2 * long)));
    const gh = Math.max(1, Math.floor((2 * bh * WORK + long) / (2 * long)));
    const m = MARGIN, W = gw + 2 * m, H = gh + 2 * m, cells = new Uint8Array(W * H);
    if (long >= WORK) {
      const cx = new Int32Array(bw), cy = new Int32Array(bh);
      for (let j = 0; j < gw; j++) { const e = Math.floor((j + 1) * bw / gw); for (let i = Math.floor(j * bw / gw); i < e; i++) cx[i] = j + m; }
      for (let j = 0; j < gh; j++) { const e = Math.floor((j + 1) * bh / gh); for (let i = Math.floor(j * bh / gh); i < e; i++) cy[i] = j + m; }
      for (let y = y0; y <= y1; y++) {
        const row = cy[y - y0] * W, src = y * w;
        for (let x = x0; x <= x1; x++) if (s[src + x] >= t) cells[row + cx[x - x0]] = 1;
      }
    } else {
      for (let j = 0; j < gh; j++) {
        const sy = (y0 + ((j + 0.5) * bh) / gh) - 0.5;
        const fy0 = Math.floor(sy), fy = sy - fy0;
        const ya = Math.min(Math.max(fy0, 0), h - 1), yb = Math.min(Math.max(fy0 + 1, 0), h - 1);
        for (let i = 0; i < gw; i++) {
          const sx = (x0 + ((i + 0.5) * bw) / gw) - 0.5;
          const fx0 = Math.floor(sx), fx = sx - fx0;
          const xa = Math.min(Math.max(fx0, 0), w - 1), xb = Math.min(Math.max(fx0 + 1, 0), w - 1);
          const top = s[ya * w + xa] * (1 - fx) + s[ya * w + xb] * fx;
          const bottom = s[yb * w + xa] * (1 - fx) + s[yb * w + xb] * fx;
          if (top * (1 - fy) + bottom * fy >= t) cells[(j + m) * W + i + m] = 1;
        }
      }
    }
    return { width: W, height: H, cells: cells };
  }

  function areaAndEdges(mask) {
    const W = mask.width, H = mask.height, c = mask.cells;
    let area = 0, edges = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        if (c[i] !== 1) continue;
        area++;
        if (x === 0 || c[i - 1] === 0) edges++;
        if (x === W - 1 || c[i + 1] === 0) edges++;
        if (y === 0 || c[i - W] === 0) edges++;
        if (y === H - 1 || c[i + W] === 0) edges++;
      }
    }
    return { area: area, edges: edges };
  }

  // 3-4 chamfer distance to the nearest cell equal to `target` (InkMask.chamfer).
  function chamfer(mask, target) {
    const W = mask.width, H = mask.height, c = mask.cells, INF = 1 << 29;
    const d = new Int32Array(W * H);
    for (let i = 0; i < W * H; i++) d[i] = c[i] === target ? 0 : INF;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        let v = d[i];
        if (x > 0 && d[i - 1] + 3 < v) v = d[i - 1] + 3;
        if (y > 0) {
          if (d[i - W] + 3 < v) v = d[i - W] + 3;
          if (x > 0 && d[i - W - 1] + 4 < v) v = d[i - W - 1] + 4;
          if (x < W - 1 && d[i - W + 1] + 4 < v) v = d[i - W + 1] + 4;
        }
        d[i] = v;
      }
    }
    for (let y = H - 1; y >= 0; y--) {
      for (let x = W - 1; x >= 0; x--) {
        const i = y * W + x;
        let v = d[i];
        if (x < W - 1 && d[i + 1] + 3 < v) v = d[i + 1] + 3;
        if (y < H - 1) {
          if (d[i + W] + 3 < v) v = d[i + W] + 3;
          if (x < W - 1 && d[i + W + 1] + 4 < v) v = d[i + W + 1] + 4;
          if (x > 0 && d[i + W - 1] + 4 < v) v = d[i + W - 1] + 4;
        }
        d[i] = v;
      }
    }
    return d;
  }

  function dilated(mask, r) {
    const d = chamfer(mask, 1), cells = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i++) cells[i] = d[i] <= 3 * r ? 1 : 0;
    return { width: mask.width, height: mask.height, cells: cells };
  }

  function eroded(mask, r) {
    const d = chamfer(mask, 0), cells = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i++) cells[i] = d[i] > 3 * r ? 1 : 0;
    return { width: mask.width, height: mask.height, cells: cells };
  }

  // Step 5 (StrokeWidth.estimate): a stroke of width w and length L has area w*L and outline
  // 2L + 2w, so w is the smaller root of w^2 - (E/2) w + A = 0.
  function strokeWidth(area, edges) {
    const q = edges * edges / 16 - area;
    return q > 0 ? edges / 4 - Math.sqrt(q) : edges / 4;
  }

  // Step 5 (StrokeWidth.normalise).
  function normaliseStroke(mask, area, edges) {
    const width = strokeWidth(area, edges);
    if (width < STROKE_TARGET * STROKE_LOW) {
      const r = roundHalfUp((STROKE_TARGET - width) / 2);
      return r >= 1 ? { mask: dilated(mask, r), width: width, radius: r } : { mask: mask, width: width, radius: 0 };
    }
    if (width > STROKE_TARGET * STROKE_HIGH) {
      for (let r = roundHalfUp((width - STROKE_TARGET) / 2); r >= 1; r--) {
        const e = eroded(mask, r);
        if (3 * areaAndEdges(e).area >= area) return { mask: e, width: width, radius: -r };
      }
    }
    return { mask: mask, width: width, radius: 0 };
  }

  // Step 6 (BoxFit.fit): area average of the mask's ink box onto ow x oh, long side 20.
  function fitBox(mask) {
    const W = mask.width, H = mask.height, c = mask.cells;
    let x0 = W, y0 = H, x1 = -1, y1 = -1;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (c[y * W + x] !== 1) continue;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
    if (x1 < 0) return null;
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1, long = Math.max(bw, bh);
    const ow = Math.max(1, Math.floor((2 * bw * BOX + long) / (2 * long)));
    const oh = Math.max(1, Math.floor((2 * bh * BOX + long) / (2 * long)));
    const sx = bw / ow, sy = bh / oh, out = new Float64Array(ow * oh);
    for (let oy = 0; oy < oh; oy++) {
      const ya = (oy * bh) / oh, yb = ((oy + 1) * bh) / oh;
      for (let ox = 0; ox < ow; ox++) {
        const xa = (ox * bw) / ow, xb = ((ox + 1) * bw) / ow;
        let acc = 0;
        for (let cy = Math.floor(ya); cy < yb && cy < bh; cy++) {
          const wy = Math.min(cy + 1, yb) - Math.max(cy, ya);
          let row = 0;
          const base = (y0 + cy) * W + x0;
          for (let cx = Math.floor(xa); cx < xb && cx < bw; cx++) {
            if (c[base + cx] === 1) row += Math.min(cx + 1, xb) - Math.max(cx, xa);
          }
          acc += wy * row;
        }
        const v = acc / (sx * sy);
        out[oy * ow + ox] = v > 1 ? 1 : v;
      }
    }
    return { pixels: out, width: ow, height: oh };
  }

  // Step 7 (BoxFit.centre): centre of mass to (14, 14), whole-pixel shift, clamped.
  function centre(small, ow, oh) {
    let mass = 0, mx = 0, my = 0;
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const v = small[y * ow + x];
        mass += v; mx += v * (x + 0.5); my += v * (y + 0.5);
      }
    }
    const cx = mass > 0 ? mx / mass : ow / 2, cy = mass > 0 ? my / mass : oh / 2;
    const dx = Math.min(Math.max(roundHalfUp(SIDE / 2 - cx), 0), SIDE - ow);
    const dy = Math.min(Math.max(roundHalfUp(SIDE / 2 - cy), 0), SIDE - oh);
    const out = new Float32Array(SIDE * SIDE);
    for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) out[(y + dy) * SIDE + x + dx] = small[y * ow + x];
    return out;
  }

  // image: { data: RGBA bytes (Uint8ClampedArray, Uint8Array or Array), width, height }, as
  // an ImageData is. Sizes as Swift's image limits: 1...10000 per side, 16,000,000 pixels.
  // Returns { input: Float32Array(784), blank, info } like Preprocessor.preprocess.
  function checkImage(image) {
    const fail = function (problem) { return InklingError('preprocess', problem); };
    if (image === null || typeof image !== 'object' || Array.isArray(image) || ArrayBuffer.isView(image)) {
      throw fail('expected an image { data, width, height }, found ' + kind(image));
    }
    const w = image.width, h = image.height, p = image.data;
    if (!intIn(w, 1, 10000) || !intIn(h, 1, 10000)) throw fail('width and height must be integers in 1...10000, found ' + show(w) + 'x' + show(h));
    if (w * h > 16000000) throw fail('the image has ' + w * h + ' pixels, the limit is 16000000');
    const bytes = byteKind(p) !== null;
    if (!bytes && !Array.isArray(p)) throw fail('data must be RGBA bytes (Uint8ClampedArray, Uint8Array or Array), found ' + kind(p));
    if (p.length !== w * h * 4) throw fail('expected width * height * 4 RGBA bytes, found ' + p.length + ' bytes for ' + w + 'x' + h);
    if (!bytes) {
      for (let i = 0; i < p.length; i++) {
        const v = p[i];
        if (!(typeof v === 'number' && v >= 0 && v <= 255 && Math.floor(v) === v)) throw fail('data[' + i + '] is ' + show(v) + ', expected an integer in 0...255');
      }
    }
    return { w: w, h: h, p: p };
  }

  function preprocess(image) {
    const img = checkImage(image), w = img.w, h = img.h, p = img.p;
    const info = { mode: 'dark', inkLevel: 0, threshold: 0, box: null, strokeWidth: 0, strokeRadius: 0, elongation: 0, blankReason: null };
    const blank = function (reason) { info.blankReason = reason; return { input: new Float32Array(SIDE * SIDE), blank: true, info: info }; };

    // 1. Ink signal.
    const sig = inkSignal(p, w, h), s = sig.s, hist = sig.hist;
    info.mode = sig.mode;

    // 2. Ink level and threshold.
    if (sig.candidates === 0) return blank('no-ink');
    let rank = Math.floor((sig.candidates - 1) * INK_PERCENTILE / 100), level = NOISE_FLOOR;
    while (rank >= hist[level]) { rank -= hist[level]; level++; }
    info.inkLevel = level;
    if (level < MIN_CONTRAST) return blank('low-contrast');
    const t = Math.max(NOISE_FLOOR, level * 0.5);
    info.threshold = t;

    // 3. Ink box (rows and columns whose maximum reaches t), working mask.
    let x0 = 0, y0 = 0, x1 = w - 1, y1 = h - 1;
    while (sig.colMax[x0] < t) x0++;
    while (sig.colMax[x1] < t) x1--;
    while (sig.rowMax[y0] < t) y0++;
    while (sig.rowMax[y1] < t) y1--;
    info.box = { x0: x0, y0: y0, x1: x1, y1: y1 };
    const mask = sampleMask(s, w, h, x0, y0, x1, y1, t);

    // 4. Dot or blob: blank.
    const ae = areaAndEdges(mask);
    if (ae.area === 0) return blank('no-ink');
    info.elongation = ae.edges * ae.edges / (4 * ae.area);
    if (info.elongation < MIN_ELONGATION) return blank('dot');

    // 5. Stroke width.
    const norm = normaliseStroke(mask, ae.area, ae.edges);
    info.strokeWidth = norm.width;
    info.strokeRadius = norm.radius;

    // 6-7. Fit 20x20, centre in 28x28.
    const small = fitBox(norm.mask);
    if (small === null) return blank('no-ink');
    return { input: centre(small.pixels, small.width, small.height), blank: false, info: info };
  }

  // ---------------------------------------------------------------------------------------
  // Golden values (weights/golden.json, written by `inkling golden`): recompute every case and
  // compare with the Swift reference. The tolerances are this code's own (Swift's
  // GoldenFile.defaultTolerances), never the file's: a file cannot loosen its own check.

  const GOLDEN_TOLERANCES = Object.freeze({ input: 1e-5, probabilities: 1e-5, logits: 1e-4 });
  const GOLDEN_MAX_SIDE = 4096, GOLDEN_MAX_CASES = 10000;

  // Checks the golden file's structure; returns its cases with the raw images decoded.
  function readGolden(golden, file) {
    const fail = function (problem) { return InklingError(file, problem); };
    if (!isObject(golden)) throw fail('expected a JSON object at top level, found ' + kind(golden));
    if (golden.format !== 'inkling-golden' || golden.version !== 1) {
      throw fail('expected format "inkling-golden" version 1, found ' + show(golden.format) + ' version ' + show(golden.version));
    }
    if (typeof golden.model_sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(golden.model_sha256)) {
      throw fail('model_sha256 must be 64 hex digits (the SHA-256 of the model file), found ' + show(golden.model_sha256));
    }
    const cases = golden.cases;
    if (!Array.isArray(cases)) throw fail('cases: expected an array, found ' + kind(cases));
    if (cases.length > GOLDEN_MAX_CASES) throw fail('cases: ' + cases.length + ' cases, the limit is ' + GOLDEN_MAX_CASES);
    return cases.map(function (c, i) {
      if (!isObject(c)) throw fail('case ' + i + ': expected an object, found ' + kind(c));
      if (typeof c.name !== 'string' || c.name.length === 0) throw fail('case ' + i + ': name must be a non-empty string, found ' + show(c.name));
      const at = 'case ' + label(c.name), bad = function (problem) { return fail(at + ': ' + problem); };
      if (typeof c.kind !== 'string') throw bad('kind must be a string, found ' + show(c.kind));
      if (c.label !== undefined && c.label !== null && !intIn(c.label, 0, 9)) throw bad('label must be a digit or null, found ' + show(c.label));
      for (const key of ['preprocess', 'blank', 'unsure']) {
        if (typeof c[key] !== 'boolean') throw bad(key + ' must be true or false, found ' + show(c[key]));
      }
      if (!intIn(c.digit, 0, 9)) throw bad('digit must be an integer in 0...9, found ' + show(c.digit));
      for (const [key, n] of [['input', SIDE * SIDE], ['logits', 10], ['probabilities', 10]]) {
        const v = c[key];
        if (!Array.isArray(v) || v.length !== n) throw bad(key + ' must be ' + n + ' numbers, found ' + (Array.isArray(v) ? v.length + ' items' : kind(v)));
        for (let j = 0; j < n; j++) if (typeof v[j] !== 'number' || !isFinite(v[j])) throw bad(key + '[' + j + '] is ' + show(v[j]) + ', expected a finite number');
      }
      return { c: c, image: goldenImage(c.raw, c.preprocess, at, file) };
    });
  }

  // A case's raw input as the image preprocessing sees it, or (no preprocessing: kind
  // "mnist") the 28x28 grey bytes the model reads directly.
  function goldenImage(raw, pre, at, file) {
    const bad = function (problem) { return InklingError(file, at + ': raw ' + problem); };
    if (!isObject(raw)) throw bad('must be an object { encoding, width, height, data }, found ' + kind(raw));
    if (raw.encoding !== 'grey' && raw.encoding !== 'rgba') throw bad('encoding must be "grey" or "rgba", found ' + show(raw.encoding));
    const w = raw.width, h = raw.height;
    if (!intIn(w, 1, GOLDEN_MAX_SIDE) || !intIn(h, 1, GOLDEN_MAX_SIDE)) throw bad('width and height must be integers in 1...4096, found ' + show(w) + 'x' + show(h));
    if (!pre && (raw.encoding !== 'grey' || w !== SIDE || h !== SIDE)) throw bad('must be 28x28 grey when the case is not preprocessed, found ' + w + 'x' + h + ' ' + raw.encoding);
    const per = raw.encoding === 'rgba' ? 4 : 1, want = w * h * per;
    if (typeof raw.data !== 'string') throw bad('data must be a base64 string, found ' + kind(raw.data));
    if (raw.data.length !== 4 * Math.ceil(want / 3)) throw bad('data: expected ' + want + ' bytes for ' + w + 'x' + h + ' ' + raw.encoding + ' (' + 4 * Math.ceil(want / 3) + ' base64 characters), found ' + raw.data.length + ' characters');
    const bytes = decodeBase64(raw.data);
    if (bytes === null) throw bad('data is not valid base64');
    if (bytes.length !== want) throw bad('data: expected ' + want + ' bytes for ' + w + 'x' + h + ' ' + raw.encoding + ', found ' + bytes.length);
    if (per === 4) return { data: bytes, width: w, height: h };
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) { rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = bytes[i]; rgba[4 * i + 3] = 255; }
    return { data: rgba, width: w, height: h, grey: bytes };
  }

  // Model input for a case: MNIST bytes / 255 in float32 as Swift does, or preprocessed.
  function goldenInput(c, file) {
    const img = goldenImage(c && c.raw, c && c.preprocess, 'case ' + label(c && c.name), file || 'golden.json');
    return caseInput(c, img);
  }
  function caseInput(c, img) {
    if (!c.preprocess) {
      const x = new Float32Array(img.grey.length);
      for (let i = 0; i < x.length; i++) x[i] = Math.fround(img.grey[i] / 255);
      return { input: x, blank: false };
    }
    return preprocess(img);
  }

  // checkGolden(model, golden, options) -> { pass, count, failures, problems, worst, maxDiff, tolerances, modelSha256 }
  //   model:   a loaded model, or what loadModel accepts (the file's text, so its hash is known)
  //   golden:  the parsed golden object, or the golden file's text
  //   options: { modelSha256 } the model file's SHA-256 when the model has no text;
  //            { modelFile, goldenFile } names for messages
  // Fails (pass false, a reason in `problems`) when there is no case, or when model_sha256 does
  // not match the model, or cannot be verified. Malformed input throws InklingError.
  function checkGolden(modelArg, goldenArg, options) {
    if (options === undefined || options === null) options = {};
    if (!isObject(options)) throw InklingError('checkGolden', 'options must be an object, found ' + kind(options));
    const gfile = typeof options.goldenFile === 'string' ? options.goldenFile : 'golden.json';
    let given = null;
    if (options.modelSha256 !== undefined) {
      if (typeof options.modelSha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(options.modelSha256)) {
        throw InklingError('checkGolden', 'options.modelSha256 must be 64 hex digits, found ' + show(options.modelSha256));
      }
      given = options.modelSha256.toLowerCase();
    }
    const model = modelArg instanceof Model ? modelArg : loadModel(modelArg, options.modelFile);
    const golden = typeof goldenArg === 'string' || byteKind(goldenArg) === '[object Uint8Array]' ? readJSONFile(goldenArg, gfile).value : goldenArg;
    const cases = readGolden(golden, gfile);

    const tol = GOLDEN_TOLERANCES, failures = [], problems = [];
    const want = golden.model_sha256.toLowerCase();
    const actual = model.sha256 || given;
    if (cases.length === 0) problems.push(gfile + ': no cases to check (an empty golden file proves nothing)');
    if (!actual) {
      problems.push('cannot verify model_sha256: the model was given as an object, not as its file text; ' +
                    'pass the text (loadModel(text)) or options.modelSha256');
    } else if (model.sha256 && given && model.sha256 !== given) {
      problems.push('options.modelSha256 ' + given + ' is not the SHA-256 of the model text (' + model.sha256 + ')');
    } else if (actual !== want) {
      problems.push(gfile + ': model_sha256 is ' + want + ', but the model file hashes to ' + actual + ' (the golden values were made from another model)');
    }

    let worst = null;
    const maxDiff = { input: 0, logits: 0, probabilities: 0 };
    function compare(c, field, got, expected) {
      let d = 0, at = 0;
      for (let i = 0; i < expected.length; i++) { const e = Math.abs(got[i] - expected[i]); if (!(e <= d)) { d = e; at = i; } }
      if (d > maxDiff[field]) maxDiff[field] = d;
      const ratio = d / tol[field];
      if (!worst || ratio > worst.ratio) worst = { case: c.name, field: field, index: at, diff: d, tolerance: tol[field], ratio: ratio };
      if (!(d <= tol[field])) failures.push({ case: c.name, field: field, detail: 'differs by ' + d + ' at [' + at + '] (tolerance ' + tol[field] + ')' });
    }
    function equal(c, field, got, expected) {
      if (got !== expected) failures.push({ case: c.name, field: field, detail: 'expected ' + expected + ', found ' + got });
    }
    for (const item of cases) {
      const c = item.c, pre = caseInput(c, item.image);
      compare(c, 'input', pre.input, c.input);
      equal(c, 'blank', pre.blank, c.blank);
      const out = model.predict(pre.input);
      compare(c, 'logits', out.logits, c.logits);
      compare(c, 'probabilities', out.probabilities, c.probabilities);
      equal(c, 'digit', out.digit, c.digit);
      equal(c, 'unsure', out.unsure, c.unsure);
    }
    return { pass: failures.length === 0 && problems.length === 0, count: cases.length, failures: failures, problems: problems,
             worst: worst, maxDiff: maxDiff, tolerances: tol, modelSha256: actual, goldenModelSha256: want };
  }

  // ---------------------------------------------------------------------------------------
  // Teaching (docs/teach-format.md): each taught example is a rule over the dense layer's
  // input, "looks like this and reads as W: it is C". The weights never change.

  const TEACH = { maxExamples: 100, threshold: 0.65, full: 0.7, margin: 3, same: 0.999 };
  const teachMemo = new WeakMap();   // model -> Map(example bytes -> its reading)

  function teachBytes(input, at) {
    try { checkInput(input, 784); } catch (e) { throw InklingError(at, e.problem); }
    return Uint8Array.from(input, function (v) { return Math.round(Math.min(1, Math.max(0, v)) * 255); });
  }
  function bytesInput(b) { return Float32Array.from(b, function (v) { return v / 255; }); }
  function argmaxOf(z) { let t = 0; for (let j = 1; j < z.length; j++) if (z[j] > z[t]) t = j; return t; }

  // The shipped logits, and the dense layer's input f with its norm.
  function baseRead(model, input) {
    const z = Float64Array.from(Model.prototype.forward.call(model, input)), n = model.layers.length;
    const f = n > 1 ? model.layers[n - 2].out : model.x;
    let ss = 0;
    for (let i = 0; i < f.length; i++) ss += f[i] * f[i];
    return { z: z, f: f, norm: Math.sqrt(ss) };
  }

  function personalize(model, examples, options) {
    const fail = function (p) { return InklingError('personalize', p); };
    if (!(model instanceof Model)) throw fail('expected a model from Inkling.loadModel, found ' + kind(model));
    const base = model.personalizedFrom || model, last = base.layers[base.layers.length - 1];
    if (last.type !== 'dense') throw fail('the model must end in a dense layer');
    const o = Object.assign({}, TEACH, options);
    if (!(o.threshold < o.full && o.full <= 1 && o.margin >= 0)) throw fail('options need threshold < full <= 1 and margin >= 0');
    if (!Array.isArray(examples)) throw InklingError('examples', 'expected an array of { input, label }, found ' + kind(examples));
    if (examples.length > TEACH.maxExamples) throw InklingError('examples', examples.length + ' examples, the limit is ' + TEACH.maxExamples);
    let memo = teachMemo.get(base);
    if (!memo) teachMemo.set(base, memo = new Map());
    const rules = examples.map(function (e, i) {
      const at = 'examples: example ' + i, label = e && e.label;
      if (!(Number.isInteger(label) && label >= 0 && label <= 9)) throw InklingError(at, 'label must be an integer 0-9, found ' + show(label));
      const bytes = teachBytes(e.input, at + ' input'), key = String.fromCharCode.apply(null, bytes);
      let r = memo.get(key);
      if (!r) {
        if (memo.size >= 400) memo.clear();
        const read = baseRead(base, bytesInput(bytes));
        memo.set(key, r = { z: read.z, wrong: argmaxOf(read.z), unit: read.norm > 0 ? read.f.map(function (v) { return v / read.norm; }) : null });
      }
      let other = -Infinity;
      for (let j = 0; j < 10; j++) if (j !== label && r.z[j] > other) other = r.z[j];
      return { label: label, wrong: r.wrong, unit: r.unit, amount: Math.max(0, other - r.z[label]) + o.margin };
    });
    const p = Object.create(base);
    p.personalizedFrom = base;
    p.taught = rules.length;
    p.forward = function (input) {
      const read = baseRead(this, input), z = read.z, top = argmaxOf(z), bonus = new Float64Array(10);
      for (const r of rules) {
        if (!r.unit || !(read.norm > 0)) continue;
        let dot = 0;
        for (let i = 0; i < r.unit.length; i++) dot += read.f[i] * r.unit[i];
        const sim = dot / read.norm;
        // The reading guard; a copy of the example (before quantization, say) always counts.
        if (r.wrong !== top && sim < TEACH.same) continue;
        bonus[r.label] = Math.max(bonus[r.label], r.amount * Math.min(1, Math.max(0, (sim - o.threshold) / (o.full - o.threshold))));
      }
      for (let j = 0; j < 10; j++) z[j] += bonus[j];
      return z;
    };
    p.activations = function (input) {
      const z = this.forward(input), maps = Model.prototype.activations.call(base, input);
      maps[maps.length - 1].values = Float32Array.from(z);
      return maps;
    };
    return p;
  }

  // Teach files: strict, as TeachFile.swift.
  function encodeBase64(b) { return btoa(String.fromCharCode.apply(null, b)); }

  function readTeachFile(source, file) {
    file = typeof file === 'string' && file ? file : 'teach.json';
    const fail = function (p) { return InklingError(file, p); };
    if (typeof source !== 'string' && byteKind(source) !== '[object Uint8Array]') throw fail('expected the file\'s text or bytes, found ' + kind(source));
    if (source.length > 1048576) throw fail('the file is larger than 1 MiB');
    const obj = readJSONFile(source, file).value, keys = function (v, allowed, at, where) {
      for (const k of Object.keys(v)) if (allowed.indexOf(k) < 0) throw fail(at + 'unknown key ' + show(k) + where);
    };
    if (!isObject(obj)) throw fail('expected a JSON object at top level, found ' + kind(obj));
    keys(obj, ['format', 'version', 'model_sha256', 'examples'], '', ' at top level');
    if (obj.format !== 'inkling-teach') throw fail('format is ' + show(obj.format) + ', expected "inkling-teach"');
    if (obj.version !== 1) throw fail('version is ' + show(obj.version) + ', expected 1');
    if (!(obj.model_sha256 === null || /^[0-9a-f]{64}$/.test(obj.model_sha256))) throw fail('model_sha256 must be 64 lowercase hex digits or null, found ' + show(obj.model_sha256));
    if (!Array.isArray(obj.examples)) throw fail('examples must be an array, found ' + kind(obj.examples));
    if (obj.examples.length > TEACH.maxExamples) throw fail(obj.examples.length + ' examples, the limit is ' + TEACH.maxExamples);
    return { modelSha256: obj.model_sha256, examples: obj.examples.map(function (e, i) {
      const at = 'example ' + i + ': ';
      if (!isObject(e)) throw fail(at + 'expected an object, found ' + kind(e));
      keys(e, ['label', 'input'], at, '');
      if (!(Number.isInteger(e.label) && e.label >= 0 && e.label <= 9)) throw fail(at + 'label must be an integer 0-9, found ' + show(e.label));
      const b = decodeBase64(e.input);
      if (!b || b.length !== 784 || encodeBase64(b) !== e.input) throw fail(at + 'input must be padded base64 of 784 bytes, found ' + show(e.input));
      return { label: e.label, input: bytesInput(b) };
    }) };
  }

  function writeTeachFile(examples, modelSha256) {
    if (!Array.isArray(examples) || examples.length > TEACH.maxExamples) throw InklingError('examples', 'expected an array of at most ' + TEACH.maxExamples + ' examples');
    return JSON.stringify({ format: 'inkling-teach', version: 1, model_sha256: /^[0-9a-f]{64}$/.test(modelSha256) ? modelSha256 : null,
      examples: examples.map(function (e, i) {
        const at = 'examples: example ' + i;
        if (!(e && Number.isInteger(e.label) && e.label >= 0 && e.label <= 9)) throw InklingError(at, 'label must be an integer 0-9');
        return { label: e.label, input: encodeBase64(teachBytes(e.input, at + ' input')) };
      }) }) + '\n';
  }

  return {
    loadModel: loadModel,
    personalize: personalize,
    readTeachFile: readTeachFile,
    writeTeachFile: writeTeachFile,
    TEACH: Object.freeze(Object.assign({}, TEACH)),
    preprocess: preprocess,
    checkGolden: checkGolden,
    goldenInput: goldenInput,
    parseJSON: function (text, file) { return parseJSON(text, typeof file === 'string' && file ? file : 'JSON'); },
    sha256: sha256,
    utf8Encode: function (text) { return utf8Encode(text, 'text'); },
    decodeBase64: decodeBase64,
    halfToFloat: halfToFloat,
    InklingError: InklingErrorType,
    isInklingError: function (e) { return e instanceof InklingErrorType; },
    LIMITS: LIMITS,
    GOLDEN_TOLERANCES: GOLDEN_TOLERANCES,
    KNOWN_TYPES: KNOWN_TYPES.slice(),
  };
});
