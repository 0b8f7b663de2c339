// Mocha runner loaded by VS Code as extensionTestsPath (out/test/vscode/index.js): runs INSIDE the extension host.
// Environment (set by test/runner/run.js on the code-server process, inherited by the extension host):
//   LOOKER_TEST_COUNT_FILE  where scripts/count-reporter.js writes {passed, failed, pending, failures}
//   LOOKER_TEST_GREP        only the tests whose title contains this text (e.g. "@smoke"); always set by the runner
//   LOOKER_SANDBOX_URL, LOOKER_SANDBOX_CLIENT_ID, LOOKER_SANDBOX_CLIENT_SECRET  the sandbox Looker server
import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import * as vscode from 'vscode';

const ROOT = path.resolve(__dirname, '..', '..', '..');

export function run(): Promise<void> {
  const countFile = process.env.LOOKER_TEST_COUNT_FILE;
  const grep = process.env.LOOKER_TEST_GREP;
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 30000,
    forbidOnly: true,
    reporter: path.join(ROOT, 'scripts', 'count-reporter.js'),
    reporterOptions: { countFile },
  });
  if (grep) mocha.grep(grep);
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      if (countFile && fs.existsSync(countFile)) {
        // Tell the outer runner which VS Code and Node really ran the tests.
        const counts = JSON.parse(fs.readFileSync(countFile, 'utf8'));
        fs.writeFileSync(countFile, JSON.stringify({ ...counts, vscodeVersion: vscode.version, nodeVersion: process.version }));
      }
      if (failures > 0) reject(new Error(`${failures} in-host test(s) failed`));
      else resolve();
    });
  });
}
