// The model file's text is read as Swift reads it: strict JSON (RFC 8259) over UTF-8, and
// hashed with SHA-256 (checked against node's crypto, an independent implementation).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Inkling, ROOT, lcg, isInklingError } = require('./helpers.js');

const MODEL_TEXT = fs.readFileSync(path.join(ROOT, 'weights', 'model.json'), 'utf8');
const nodeSha = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

function refused(fn, message, what) {
  assert.throws(fn, (e) => {
    assert.ok(isInklingError(e), (what || '') + ': expected an InklingError, found ' + e.name + ': ' + e.message);
    assert.match(e.message, message, what);
    return true;
  }, what);
}

test('SHA-256 agrees with node crypto on every length from 0 to 300 bytes and at block edges', () => {
  const r = lcg(17);
  for (let n = 0; n <= 300; n++) {
    const b = Uint8Array.from({ length: n }, () => Math.floor((r(1) + 1) * 128) & 255);
    assert.strictEqual(Inkling.sha256(b), nodeSha(b), n + ' bytes');
  }
  for (const n of [4095, 4096, 4097, 65535, 65536, 1 << 20]) {
    const b = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 255);
    assert.strictEqual(Inkling.sha256(b), nodeSha(b), n + ' bytes');
  }
  assert.strictEqual(Inkling.sha256(new Uint8Array(0)), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('SHA-256 of text hashes its UTF-8 bytes (the model file and non-ASCII text)', () => {
  assert.strictEqual(Inkling.sha256(MODEL_TEXT), nodeSha(fs.readFileSync(path.join(ROOT, 'weights', 'model.json'))));
  for (const s of ['', 'abc', 'é', '€', '😀 digits ٣ and 七', 'a\u2028b', '<\/script>']) {
    assert.strictEqual(Inkling.sha256(s), nodeSha(Buffer.from(s, 'utf8')), JSON.stringify(s));
    assert.deepStrictEqual(Array.from(Inkling.utf8Encode(s)), Array.from(Buffer.from(s, 'utf8')), JSON.stringify(s));
  }
  refused(() => Inkling.sha256('a\uD800b'), /unpaired surrogate/);
});

test('the strict parser reads valid JSON as JSON.parse does', () => {
  const texts = [MODEL_TEXT, '{}', '[]', '0', '-0.5e+3', '"\\u00e9\\ud83d\\ude00\\n\\/"', ' [1, 2.5, -3e-2, true, false, null, "x"] ',
                 '{"a": {"b": [{"c": 1E2}]}}', '"😀"', '1e-400', '[' + '['.repeat(62) + ']'.repeat(62) + ']'];
  for (const t of texts) assert.deepStrictEqual(Inkling.parseJSON(t), JSON.parse(t), t.slice(0, 40));
  assert.ok(Object.is(Inkling.parseJSON('-0'), -0), '-0 stays -0 (so a padding of -0 can be refused)');
  const p = Inkling.parseJSON('{"__proto__": {"polluted": 1}, "constructor": 2}');
  assert.strictEqual(Object.getPrototypeOf(p), Object.prototype, '"__proto__" is a key, not a prototype');
  assert.deepStrictEqual(Object.keys(p), ['__proto__', 'constructor']);
  assert.strictEqual(({}).polluted, undefined);
});

const INVALID = [
  ['byte order mark', '\uFEFF{}', /byte order mark \(BOM\)/],
  ['duplicate top-level key', '{"a": 1, "a": 2}', /duplicate key "a" at line 1, column 10 \(character 9\)/],
  ['duplicate key deep in a tensor', MODEL_TEXT.replace('"dtype" : "float16",', '"dtype" : "float16", "dtype" : "float32",'), /duplicate key "dtype"/],
  ['trailing comma in an array', '[1, 2,]', /trailing comma at line 1, column 6/],
  ['trailing comma in an object', '{"a": 1,\n}', /trailing comma at line 1, column 8/],
  ['comment', '{"a": 1 /* x */}', /unexpected "\/", expected "," or "}"/],
  ['NaN literal', '[NaN]', /unexpected "N", expected a value/],
  ['Infinity literal', '{"a": Infinity}', /unexpected "I", expected a value/],
  ['single quotes', "{'a': 1}", /unexpected "'", expected a "key"/],
  ['leading zero', '[01]', /number with a leading zero/],
  ['bare minus', '[-]', /invalid number/],
  ['no digit after the point', '[1.]', /no digit after "\."/],
  ['number out of range', '{"padding": 1e400}', /number 1e400 is out of range/],
  ['control character in a string', '["a\tb"]', /control character U\+0009 in a string/],
  ['invalid escape', '["\\x41"]', /invalid escape "x"/],
  ['unpaired surrogate escape', '["\\ud800"]', /unpaired surrogate escape/],
  ['unterminated string', '["abc', /unterminated string/],
  ['two values', '{} {}', /unexpected "\{" after the JSON value/],
  ['empty text', '', /unexpected end of text, expected a value/],
  ['nesting 65 deep', '['.repeat(65) + ']'.repeat(65), /nesting deeper than 64 levels at line 1, column 65/],
  ['UTF-16 text read as UTF-8', Buffer.from('\uFEFF{"format": 1}', 'utf16le').toString('utf8'), /U\+FFFD \(is the file UTF-16\? it must be UTF-8\)/],
  ['UTF-16 text without BOM read as UTF-8', Buffer.from('{"format": 1}', 'utf16le').toString('utf8'), /U\+0000 \(is the file UTF-16\? it must be UTF-8\)/],
];

for (const [name, text, message] of INVALID) {
  test('the strict parser refuses ' + name + ', naming the place', () => {
    refused(() => Inkling.parseJSON(text, 'x.json'), message, name);
    assert.throws(() => Inkling.parseJSON(text, 'x.json'), /^InklingError: x\.json: not valid JSON: |^InklingError: x\.json: /);
    refused(() => Inkling.loadModel(text, 'model.json'), /^model\.json: /, name + ' via loadModel');
  });
}

test('errors report line and column', () => {
  refused(() => Inkling.parseJSON('{\n  "a": 1,\n  "b": [1, 2,]\n}'), /trailing comma at line 3, column 13 \(character 24\)/);
});

test('loadModel refuses file bytes that are not UTF-8', () => {
  const bytes = (b) => new Uint8Array(b);
  refused(() => Inkling.loadModel(bytes(Buffer.from(MODEL_TEXT, 'utf16le')), 'model.json'), /model\.json: not valid UTF-8|model\.json: not valid JSON/);
  refused(() => Inkling.loadModel(bytes([0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00]), 'model.json'), /model\.json: the file is UTF-16/);
  refused(() => Inkling.loadModel(bytes([0xEF, 0xBB, 0xBF, 0x7B, 0x7D]), 'model.json'), /model\.json: the file starts with a byte order mark/);
  refused(() => Inkling.loadModel(bytes([0x22, 0xC3, 0x28, 0x22]), 'model.json'), /model\.json: not valid UTF-8: malformed byte sequence at byte 1/);
  refused(() => Inkling.loadModel(bytes([0x22, 0xC0, 0xAF, 0x22]), 'model.json'), /not valid UTF-8/, 'overlong');
  refused(() => Inkling.loadModel(bytes([0x22, 0xED, 0xA0, 0x80, 0x22]), 'model.json'), /not valid UTF-8/, 'encoded surrogate');
  refused(() => Inkling.loadModel('{"a": "\uD800"}', 'model.json'), /model\.json: not valid Unicode text: unpaired surrogate/);
  // Valid UTF-8 bytes load with the same hash as the text.
  const m = Inkling.loadModel(bytes(Buffer.from(MODEL_TEXT, 'utf8')));
  assert.strictEqual(m.sha256, nodeSha(Buffer.from(MODEL_TEXT, 'utf8')));
});

test('loadModel refuses text longer than 64 MiB before parsing it', () => {
  refused(() => Inkling.loadModel(' '.repeat(64 * 1024 * 1024 + 1)), /larger than 64 MiB/);
});

test('without TextEncoder and TextDecoder (the hand-written fallbacks) the results are the same', () => {
  const vm = require('vm');
  const sandbox = { module: { exports: {} } };
  vm.runInNewContext(fs.readFileSync(path.join(ROOT, 'templates', 'assets', 'inkling.js'), 'utf8'), sandbox);
  const Bare = sandbox.module.exports;
  assert.strictEqual(vm.runInNewContext('typeof TextEncoder + typeof TextDecoder', {}), 'undefinedundefined');
  for (const s of ['', 'abc', 'é€😀', MODEL_TEXT]) {
    assert.deepStrictEqual(Array.from(Bare.utf8Encode(s)), Array.from(Buffer.from(s, 'utf8')));
  }
  const bytes = new Uint8Array(Buffer.from(MODEL_TEXT, 'utf8'));
  assert.strictEqual(Bare.loadModel(bytes).sha256, nodeSha(bytes));
  assert.throws(() => Bare.loadModel(new Uint8Array([0x22, 0xC3, 0x28, 0x22])), /not valid UTF-8: malformed byte sequence at byte 1/);
  assert.throws(() => Bare.loadModel('{"a": "\uD800"}'), /not valid Unicode text: unpaired surrogate/);
});
