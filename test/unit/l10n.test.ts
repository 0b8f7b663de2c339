import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Calls whose first argument is shown to the user as is. */
const SHOWN = /\bwindow\.(showInformationMessage|showWarningMessage|showErrorMessage|setStatusBarMessage)\(\s*(['"`])/g;
/** Object properties that VS Code shows to the user (input boxes, quick picks, progress). */
const SHOWN_PROPS = /\b(title|prompt|placeHolder|placeholder|openLabel|tooltip)\s*[:=]\s*(['"`])[^'"`]*[A-Za-z]{2}/g;

describe('l10n: no hard-coded user-facing strings', () => {
  const files = sourceFiles(path.join(root, 'src')).filter((f) => {
    const text = fs.readFileSync(f, 'utf8');
    return /from 'vscode'/.test(text); // only code that talks to the VS Code UI
  });

  it('finds the UI source files', () => {
    assert.ok(files.length >= 5, `only ${files.length} files`);
  });

  /** "file:line: match" for every match of `re` in the UI source files. */
  const findings = (re: RegExp): string[] =>
    files.flatMap((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return [...text.matchAll(re)].map((m) => `${path.relative(root, f)}:${text.slice(0, m.index).split('\n').length}: ${m[0]}`);
    });

  it('show*Message and status-bar messages go through vscode.l10n.t', () => {
    assert.deepStrictEqual(findings(SHOWN), []);
  });

  it('titles, prompts, placeholders and tooltips go through vscode.l10n.t', () => {
    assert.deepStrictEqual(findings(SHOWN_PROPS), []);
  });

  it('the detector itself catches a literal', () => {
    assert.ok("vscode.window.showErrorMessage('Oops')".match(SHOWN));
    assert.ok("box.title = 'Search users'".match(SHOWN_PROPS));
    assert.ok(!"vscode.window.showErrorMessage(vscode.l10n.t('Oops'))".match(SHOWN));
  });
});
