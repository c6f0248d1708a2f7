/*
 * digitpack.js: the compact encoding of the MNIST digits train.html learns from
 * (train-data.js). Zero dependencies, a classic script that runs unchanged in node (the
 * generator scripts/make-train-data.js and the tests) and in the page (window.DigitPack).
 *
 * A digit is 784 grey bytes (28x28, row by row, 0 = paper, 255 = ink). Each pixel is
 * quantised to 4 bits, q = round(p * 15 / 255), which reads back as q * 17 (16 greys; the
 * digits look the same and train the same). Most of a digit is paper, so zeros are
 * run-length coded in a stream of 4-bit nibbles, high nibble first in each byte:
 *
 *   nibble 1..15        one pixel of grey q * 17
 *   nibble 0, h, l      a run of h * 16 + l + 1 paper pixels (1..256)
 *
 * Digits follow each other in the stream with no padding between them; a run never crosses
 * from one digit into the next. The stream ends on a byte boundary (a last unused nibble is
 * 0). Then base64. About 120 bytes a digit instead of 784.
 */
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.DigitPack = factory();
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  const PIXELS = 784;
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

  function PackError(problem) {
    const e = new Error('digitpack: ' + problem);
    e.name = 'InklingError';
    return e;
  }

  // The grey a byte reads back as after the 4-bit quantisation.
  function quantise(p) { return Math.round(p * 15 / 255) * 17; }

  // grey bytes (count * 784) -> base64 text.
  function encode(pixels, count) {
    if (!(Number.isInteger(count) && count >= 0) || pixels.length !== count * PIXELS) {
      throw PackError('expected ' + count + ' digits of 784 bytes, found ' + pixels.length + ' bytes');
    }
    const nibbles = [];
    for (let d = 0; d < count; d++) {
      let run = 0;
      const flush = function () {
        while (run > 0) {
          const n = Math.min(run, 256) - 1;
          nibbles.push(0, n >> 4, n & 15);
          run -= n + 1;
        }
      };
      for (let i = d * PIXELS; i < (d + 1) * PIXELS; i++) {
        const q = Math.round(pixels[i] * 15 / 255);
        if (q === 0) { run++; continue; }
        flush();
        nibbles.push(q);
      }
      flush();
    }
    if (nibbles.length % 2) nibbles.push(0);
    let s = '';
    for (let i = 0; i < nibbles.length; i += 6) {
      // Three bytes (six nibbles) -> four base64 characters.
      const have = Math.min(6, nibbles.length - i) / 2;
      let t = 0;
      for (let k = 0; k < 6; k++) t = t * 16 + (i + k < nibbles.length ? nibbles[i + k] : 0);
      s += B64[(t >> 18) & 63] + B64[(t >> 12) & 63] + (have > 1 ? B64[(t >> 6) & 63] : '=') + (have > 2 ? B64[t & 63] : '=');
    }
    return s;
  }

  // base64 text -> Uint8Array of count * 784 grey bytes. Throws naming `what` on a stream
  // that is not base64 or does not hold exactly `count` digits.
  function decode(text, count, what) {
    what = what || 'digits';
    if (typeof text !== 'string' || text.length % 4 !== 0) throw PackError(what + ': expected base64 text, found ' + (typeof text === 'string' ? text.length + ' characters (not a multiple of 4)' : typeof text));
    const value = new Int8Array(128).fill(-1);
    for (let i = 0; i < 64; i++) value[B64.charCodeAt(i)] = i;
    let end = text.length;
    while (end > 0 && text[end - 1] === '=') end--;
    const bytes = new Uint8Array(Math.floor(end * 3 / 4));
    let acc = 0, bits = 0, at = 0;
    for (let i = 0; i < end; i++) {
      const c = text.charCodeAt(i), v = c < 128 ? value[c] : -1;
      if (v < 0) throw PackError(what + ': character ' + i + ' (' + JSON.stringify(text[i]) + ') is not base64');
      acc = (acc << 6) | v; bits += 6;
      if (bits >= 8) { bits -= 8; bytes[at++] = (acc >> bits) & 255; }
    }
    const out = new Uint8Array(count * PIXELS);
    const nibbleCount = bytes.length * 2;
    const nibble = function (k) { return k & 1 ? bytes[k >> 1] & 15 : bytes[k >> 1] >> 4; };
    let k = 0;
    for (let d = 0; d < count; d++) {
      let i = 0;
      const base = d * PIXELS;
      while (i < PIXELS) {
        if (k >= nibbleCount) throw PackError(what + ': the data ends in digit ' + d + ' of ' + count);
        const q = nibble(k++);
        if (q > 0) { out[base + i++] = q * 17; continue; }
        if (k + 2 > nibbleCount) throw PackError(what + ': the data ends in a run in digit ' + d);
        const run = nibble(k) * 16 + nibble(k + 1) + 1;
        k += 2;
        if (i + run > PIXELS) throw PackError(what + ': a run of ' + run + ' paper pixels overflows digit ' + d + ' at pixel ' + i);
        i += run;   // out is zero already
      }
    }
    if (nibbleCount - k > 1 || (nibbleCount - k === 1 && nibble(k) !== 0)) {
      throw PackError(what + ': ' + (nibbleCount - k) + ' nibbles left over after ' + count + ' digits');
    }
    return out;
  }

  // "0123..." -> Uint8Array of labels, checked.
  function labels(text, count, what) {
    what = what || 'labels';
    if (typeof text !== 'string' || text.length !== count) throw PackError(what + ': expected ' + count + ' digits 0-9, found ' + (typeof text === 'string' ? text.length : typeof text));
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const v = text.charCodeAt(i) - 48;
      if (v < 0 || v > 9) throw PackError(what + ': character ' + i + ' (' + JSON.stringify(text[i]) + ') is not a digit 0-9');
      out[i] = v;
    }
    return out;
  }

  return { PIXELS: PIXELS, quantise: quantise, encode: encode, decode: decode, labels: labels };
});
