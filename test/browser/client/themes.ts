// A few of VS Code's theme variables for light, dark and high-contrast, as the webview host
// sets them on <html>; enough to check the panel reads them.
export interface TestTheme {
  name: string;
  bodyClass: string;
  vars: Record<string, string>;
  expectedBackground: string;
}

export const themes: TestTheme[] = [
  {
    name: 'light',
    bodyClass: 'vscode-light',
    vars: {
      '--vscode-editor-background': '#ffffff',
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-red': '#e51400',
      '--vscode-panel-border': '#e5e5e5',
    },
    expectedBackground: 'rgb(255, 255, 255)',
  },
  {
    name: 'dark',
    bodyClass: 'vscode-dark',
    vars: {
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-input-background': '#313131',
    },
    expectedBackground: 'rgb(31, 31, 31)',
  },
  {
    name: 'high-contrast',
    bodyClass: 'vscode-high-contrast',
    vars: {
      '--vscode-editor-background': '#000000',
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': '#ffffff',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#ffd700',
      '--vscode-charts-red': '#f48771',
      '--vscode-panel-border': '#6fc3df',
    },
    expectedBackground: 'rgb(0, 0, 0)',
  },
];
