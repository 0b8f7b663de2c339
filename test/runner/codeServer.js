// Starts and stops one code-server (the real VS Code server + web workbench) on a free 127.0.0.1 port.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { NODE24, codeServerBin } = require('./paths');

/** The code-servers started by this process and not stopped yet (their process-group ids). */
const running = new Map();

/** Stops every code-server this process started (watchdog, Ctrl-C). */
async function stopAllServers() {
  await Promise.all([...running.values()].map((stop) => stop()));
}

// Last resort when the process exits without stopping them: kill only the groups we created.
process.on('exit', () => {
  for (const pid of running.keys()) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

/** A free TCP port on 127.0.0.1 (asked from the OS). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Is `port` free on 127.0.0.1? */
function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * The environment of the test process minus anything that would leak into, or change, the extension under test, or
 * filter its tests (the runner passes LOOKER_TEST_GREP and the sandbox coordinates itself, in o.env).
 */
function baseEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(LOOKERSDK_|npm_|VSCODE_|ELECTRON_|LOOKER_TEST_GREP$|LOOKER_SANDBOX)/i.test(k)) continue;
    env[k] = v;
  }
  return env;
}

/** User settings for a calm, deterministic workbench: no start-up editor, tips or chat side bar. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.openRepositoryInParentFolders': 'never',
};

/** The Node binary a code-server build runs on. */
function nodeFor(cs) {
  return cs.node24 ? NODE24.bin : process.execPath;
}

/** Runs `code-server --install-extension vsix` for the given dirs; throws on failure. */
function installExtension(cs, { vsix, extensionsDir, userDataDir, stateDir }) {
  const env = { ...baseEnv(), XDG_CONFIG_HOME: path.join(stateDir, 'xdg-config'), XDG_DATA_HOME: path.join(stateDir, 'xdg-data') };
  const r = spawnSync(nodeFor(cs), [codeServerBin(cs), '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`code-server --install-extension failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * Starts code-server.
 * @param {object} o
 * @param {object} o.cs              an entry of CODE_SERVERS
 * @param {string} o.stateDir        a private folder for user data, extensions and XDG dirs
 * @param {string} o.workspace       the folder to open
 * @param {object} [o.env]           extra environment for the server and its extension host
 * @param {number} [o.port]          a fixed port (default: a free one)
 * @param {object} [o.settings]     user settings (on top of QUIET_SETTINGS)
 * @param {boolean} [o.testDriver]   allow ?payload= (extensionDevelopmentPath/extensionTestsPath) on builds that need it
 * @param {number} [o.readyTimeoutMs]
 * @returns {Promise<{port:number, authority:string, url:string, pid:number, log:() => string, saveLog:(file:string) => void, stop:() => Promise<void>, exited:Promise<number|null>}>}
 */
async function startCodeServer(o) {
  const port = o.port || (await freePort());
  const userDataDir = path.join(o.stateDir, 'user-data');
  const extensionsDir = path.join(o.stateDir, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const settings = { ...QUIET_SETTINGS, ...(o.settings || {}) };
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
  const args = [
    codeServerBin(o.cs),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    // VS Code >= ~1.10x ignores ?payload= in built products unless the smoke-test driver is on; 4.100.x rejects the option.
    ...(o.testDriver && o.cs.node24 ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
    o.workspace,
  ];
  const env = {
    ...baseEnv(),
    XDG_CONFIG_HOME: path.join(o.stateDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(o.stateDir, 'xdg-data'),
    ...(o.env || {}),
  };
  // Own process group, so that stop() ends code-server and its children (extension host, watchers) and nothing else.
  const proc = spawn(nodeFor(o.cs), args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  const onData = (d) => {
    log += d;
    if (process.env.VERBOSE === '1') process.stdout.write(`[code-server ${o.cs.version}] ${d}`);
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    running.delete(proc.pid);
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const kill = (sig) => {
      try {
        process.kill(-proc.pid, sig);
      } catch {
        /* already gone */
      }
    };
    kill('SIGTERM');
    const t = setTimeout(() => kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
    kill('SIGKILL'); // stragglers left in the group
  };
  running.set(proc.pid, stop);
  const readyTimeout = o.readyTimeoutMs || 60000;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`code-server ${o.cs.version} not ready after ${readyTimeout} ms`)), readyTimeout);
    const iv = setInterval(() => /HTTP server listening on/.test(log) && done(), 50);
    const onExit = (code) => done(new Error(`code-server ${o.cs.version} exited (${code}) before listening:\n${log}`));
    proc.once('exit', onExit);
    function done(err) {
      clearTimeout(timer);
      clearInterval(iv);
      proc.off('exit', onExit);
      if (err) stop().then(() => reject(err), () => reject(err));
      else resolve();
    }
  });
  const authority = `127.0.0.1:${port}`;
  return {
    port,
    authority,
    url: `http://${authority}/`,
    pid: proc.pid,
    userDataDir,
    extensionsDir,
    log: () => log,
    saveLog: (file) => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, log);
    },
    stop,
    exited,
  };
}

/** The workbench URL that opens `folder`, optionally with a payload (e.g. extensionDevelopmentPath/extensionTestsPath). */
function workbenchUrl(server, folder, payload) {
  const remote = (p) => `vscode-remote://${server.authority}${p}`;
  const entries = (payload || []).map(([k, v]) => [k, /Path$/.test(k) ? remote(v) : v]);
  let url = `${server.url}?folder=${encodeURIComponent(folder)}`;
  if (entries.length) url += `&payload=${encodeURIComponent(JSON.stringify(entries))}`;
  return url;
}

module.exports = { QUIET_SETTINGS, startCodeServer, stopAllServers, installExtension, workbenchUrl, freePort, portIsFree, baseEnv };
