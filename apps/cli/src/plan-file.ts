import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { MAX_DOCUMENT_CHARS } from '../../../libs/plan/src';

export type FileFormat = 'markdown' | 'yaml' | 'json';

export type PlanFile = { ok: true; text: string; format: FileFormat } | { ok: false; message: string };

const EXTENSIONS: Record<string, FileFormat> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'markdown',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
};

/** Reads a plan file as UTF-8 text, turning every way it can fail into one readable sentence. */
export function readPlanFile(path: string): PlanFile {
  let bytes: Buffer;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return { ok: false, message: `${path} is a directory, not a plan file` };
    // Four bytes per character at most: refuse before reading what could never be a plan.
    if (stat.size > MAX_DOCUMENT_CHARS * 4)
      return {
        ok: false,
        message: `${path} is ${(stat.size / 1e6).toFixed(1)} MB; plan files are limited to ${MAX_DOCUMENT_CHARS.toLocaleString('en')} characters`,
      };
    bytes = readFileSync(path);
  } catch (error) {
    return { ok: false, message: `cannot read ${path}: ${reason(error)}` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: `${path} is not UTF-8 text (binary file?)` };
  }
  if (text.includes('\u0000'))
    return { ok: false, message: `${path} contains binary bytes; expected a text plan` };
  return { ok: true, text: text.replace(/^\uFEFF/, ''), format: formatOf(path, text) };
}

function formatOf(path: string, text: string): FileFormat {
  const known = EXTENSIONS[extname(path).toLowerCase()];
  if (known) return known;
  const start = text.trimStart();
  if (start.startsWith('{')) return 'json';
  if (start.startsWith('apiVersion') || start.startsWith('---')) return 'yaml';
  return 'markdown';
}

function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
