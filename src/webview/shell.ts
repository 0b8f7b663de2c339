/** The one HTML document of the extension's webviews (user details, bulk preview): strict CSP, nonce'd script, no data. */
import * as vscode from 'vscode';
import { nonce } from '../util/nonce';

/** What a page adds to the shell: its stylesheet, its script and the element its script fills. */
export interface ShellPage {
  /** The page's stylesheet under media/ ("details.css"). */
  style: string;
  /** Load the codicon font's stylesheet (media/codicons) before the page's own. */
  codicons?: boolean;
  /** The page's bundled script under dist/media/ ("details.js"). */
  script: string;
  /** The id of the <main> element the script fills. */
  rootId: string;
  /** The root announces its changes politely and starts busy (until the script has drawn the data). */
  live?: boolean;
}

/** Webview options of every page: scripts on, files only from media/ and dist/media/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'media')],
  };
}

/**
 * The page's HTML: `default-src 'none'`, styles, fonts and images only from the webview's own origin, the one script
 * only with a nonce made for this render (from crypto), `<html lang>` set to VS Code's display language. It carries
 * no data: the page asks for it with a message once loaded.
 */
export function shellHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: ShellPage): string {
  const n = nonce();
  const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource}`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  const styles = [...(page.codicons ? [uri('media', 'codicons', 'codicon.css')] : []), uri('media', page.style)];
  const live = page.live ? ' aria-live="polite" aria-busy="true"' : '';
  return `<!DOCTYPE html>
<html lang="${vscode.env.language.replace(/[^\w-]/g, '')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles.map((href) => `<link rel="stylesheet" href="${href}">`).join('\n')}
</head>
<body>
<main id="${page.rootId}"${live}></main>
<script nonce="${n}" src="${uri('dist', 'media', page.script)}"></script>
</body>
</html>`;
}
