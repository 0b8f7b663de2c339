#!/usr/bin/env node
// Writes l10n/bundle.l10n.json: every vscode.l10n.t('…') message of src/, the base for translations
// (a translation is l10n/bundle.l10n.<locale>.json with the same keys). `--check` fails when the file is stale.
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.ts') ? [path.join(d, e.name)] : []));
const CALL = /l10n\.t\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;

function extract() {
  const messages = {};
  for (const f of walk(path.join(ROOT, 'src')).sort()) {
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(CALL)) {
      const raw = m[1] ?? m[2];
      const value = JSON.parse('"' + raw.replace(/\\'/g, "'").replace(/"/g, '\\"') + '"');
      messages[value] = value;
    }
  }
  return JSON.stringify(Object.fromEntries(Object.keys(messages).sort().map((k) => [k, k])), null, 2) + '\n';
}

const out = path.join(ROOT, 'l10n', 'bundle.l10n.json');
const text = extract();
if (process.argv.includes('--check')) {
  const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (current !== text) {
    console.error('l10n/bundle.l10n.json is stale: run node scripts/l10n-extract.js');
    process.exit(1);
  }
  console.log('l10n bundle up to date');
} else {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
  console.log(`${out}: ${Object.keys(JSON.parse(text)).length} messages`);
}
