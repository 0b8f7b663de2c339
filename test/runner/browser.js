// Headless Chromium for the harness: the binary unpacked by scripts/install-vscode-test.js from @sparticuz/chromium
// (or CHROMIUM_BIN), driven by playwright-core.
const fs = require('fs');
const { chromium } = require('playwright-core');
const { chromiumBin } = require('./paths');

const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function chromiumPath() {
  const p = process.env.CHROMIUM_BIN || chromiumBin();
  if (!fs.existsSync(p)) throw new Error(`Chromium not found at ${p}: run \`npm install\` (scripts/install-vscode-test.js) or set CHROMIUM_BIN`);
  return p;
}

/** @returns {Promise<import('playwright-core').Browser>} */
function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ARGS });
}

module.exports = { launchBrowser, chromiumPath };
