#!/usr/bin/env node
// usage: node bench/js/bench-node.js [MODEL_JSON] [REFNET_JS]
// Prints one JSON line, then a readable line.
'use strict';
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');
const ROOT = path.resolve(__dirname, '..', '..');
const Inkling = require(path.join(ROOT, 'templates', 'assets', 'inkling.js'));
const Bench = require('./bench-core.js');

const modelPath = process.argv[2] || path.join(ROOT, 'weights', 'model.json');
const refnetPath = process.argv[3] || path.resolve(ROOT, '..', 'shared', 'bench', 'peers', 'refnet.js');
const RefNet = fs.existsSync(refnetPath) ? require(refnetPath) : null;
const r = Bench.run(Inkling, RefNet, JSON.parse(fs.readFileSync(modelPath, 'utf8')), () => performance.now());
r.runtime = 'node ' + process.version;
console.log(JSON.stringify(r));
console.log(Bench.line(r));
