// Mocha reporter: the spec reporter's output, plus a JSON count file for scripts/test-all.js.
// The file path comes from the COUNT_FILE environment variable (or reporter option countFile).
const Mocha = require('mocha');
const fs = require('fs');

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const file = (options && options.reporterOptions && options.reporterOptions.countFile) || process.env.COUNT_FILE;
    const failures = [];
    runner.on('fail', (test, err) => failures.push({ title: test.fullTitle(), error: String((err && err.message) || err) }));
    runner.once('end', () => {
      if (!file) return;
      const s = runner.stats || {};
      fs.writeFileSync(file, JSON.stringify({ passed: s.passes || 0, failed: s.failures || 0, pending: s.pending || 0, failures }));
    });
  }
}
module.exports = CountReporter;
