// Reads an image from the system clipboard where the platform allows it. VS Code's
// clipboard API is text-only, so this asks the platform's own tool; when none is present,
// the error says which one to install.
import { execFile } from 'node:child_process';

interface ClipboardTool {
  command: string;
  args: string[];
  install: string;
}

export function clipboardTools(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv = process.env,
): ClipboardTool[] {
  switch (platform) {
    case 'linux': {
      const wayland = {
        command: 'wl-paste',
        args: ['--no-newline', '--type', 'image/png'],
        install: 'wl-clipboard',
      };
      const x11 = {
        command: 'xclip',
        args: ['-selection', 'clipboard', '-target', 'image/png', '-out'],
        install: 'xclip',
      };
      return env.WAYLAND_DISPLAY ? [wayland, x11] : [x11, wayland];
    }
    case 'darwin':
      return [{ command: 'pngpaste', args: ['-'], install: 'pngpaste (brew install pngpaste)' }];
    case 'win32':
      return [
        {
          command: 'powershell.exe',
          args: [
            '-NoProfile',
            '-Command',
            'Add-Type -AssemblyName System.Windows.Forms; $i=[Windows.Forms.Clipboard]::GetImage(); if ($i) { $m=New-Object IO.MemoryStream; $i.Save($m,[Drawing.Imaging.ImageFormat]::Png); [Console]::OpenStandardOutput().Write($m.ToArray(),0,$m.Length) }',
          ],
          install: 'PowerShell',
        },
      ];
    default:
      return [];
  }
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

/** The clipboard image as PNG bytes; rejects with a message naming the tool to install. */
export async function readClipboardImage(
  platform: NodeJS.Platform = process.platform,
): Promise<Buffer> {
  const tools = clipboardTools(platform);
  if (tools.length === 0)
    throw new Error(`reading images from the clipboard is not supported on ${platform}`);
  const missing: string[] = [];
  for (const tool of tools) {
    const outcome = await run(tool);
    if (outcome === 'missing') {
      missing.push(tool.install);
      continue;
    }
    if (outcome.length >= 8 && outcome.subarray(0, 4).equals(PNG_MAGIC)) return outcome;
    throw new Error('the clipboard holds no image; copy a screenshot first');
  }
  throw new Error(`no clipboard tool found: install ${missing.join(' or ')}`);
}

function run(tool: ClipboardTool): Promise<Buffer | 'missing'> {
  return new Promise((resolve) => {
    execFile(
      tool.command,
      tool.args,
      { encoding: 'buffer', timeout: 5000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') resolve('missing');
        else resolve(error ? Buffer.alloc(0) : stdout);
      },
    );
  });
}
