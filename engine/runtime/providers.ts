// Which onnxruntime execution providers this install can use, and which one a
// choice of 'auto' | 'cpu' | 'cuda' | 'webgpu' resolves to.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ExecutionProviderChoice } from '../config';

export type ExecutionProviderName = 'cpu' | 'cuda' | 'webgpu';

export interface ProviderReport {
  name: ExecutionProviderName;
  available: boolean;
  /** Why it is or is not available, in words a user can act on. */
  detail: string;
}

export interface ProviderResolution {
  provider: ExecutionProviderName;
  /** Set when the requested provider was unavailable and CPU was used instead. */
  fallbackNotice?: string;
}

function onnxruntimeBinaryDir(): string | undefined {
  try {
    const root = dirname(require.resolve('onnxruntime-node/package.json'));
    const dir = join(root, 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Backends compiled into this onnxruntime-node build (CUDA is reported separately). */
function bundledBackends(): string[] {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
    return ort
      .listSupportedBackends()
      .filter((b) => b.bundled)
      .map((b) => b.name);
  } catch {
    return [];
  }
}

function hasNvidiaDevice(): boolean {
  if (process.platform === 'win32') return true; // no cheap check; let the session decide
  return existsSync('/dev/nvidiactl') || existsSync('/dev/nvidia0');
}

export function listProviders(): ProviderReport[] {
  const dir = onnxruntimeBinaryDir();
  const files = dir ? readdirSync(dir) : [];
  const cudaLib = files.some((f) => /onnxruntime_providers_cuda/.test(f));
  const cudaDetail = !cudaLib
    ? 'CUDA provider library not installed (run: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node)'
    : hasNvidiaDevice()
      ? 'CUDA provider library installed and an NVIDIA device is present'
      : 'CUDA provider library installed but no NVIDIA device found';
  const webgpuBundled = bundledBackends().includes('webgpu');
  return [
    {
      name: 'cpu',
      available: !!dir,
      detail: dir ? `bundled (${dir})` : 'onnxruntime-node binaries missing',
    },
    { name: 'cuda', available: cudaLib && hasNvidiaDevice(), detail: cudaDetail },
    {
      name: 'webgpu',
      available: webgpuBundled,
      detail: webgpuBundled
        ? 'bundled with onnxruntime-node; needs a GPU adapter (Vulkan, Metal or D3D12) when a session starts'
        : 'not in this onnxruntime-node build',
    },
  ];
}

/**
 * Resolves a provider choice. 'auto' prefers CUDA when it is installed and a device is
 * present, else CPU; WebGPU is used only when asked for, because headless machines often
 * expose the provider without an adapter.
 */
export function resolveProvider(
  choice: ExecutionProviderChoice,
  reports: ProviderReport[] = listProviders(),
): ProviderResolution {
  const available = (name: ExecutionProviderName) =>
    reports.find((r) => r.name === name)?.available;
  if (choice === 'auto') return { provider: available('cuda') ? 'cuda' : 'cpu' };
  if (choice === 'cpu' || available(choice)) return { provider: choice };
  const why = reports.find((r) => r.name === choice)?.detail ?? 'unknown provider';
  return {
    provider: 'cpu',
    fallbackNotice: `execution provider '${choice}' unavailable (${why}); using cpu`,
  };
}
