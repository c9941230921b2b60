import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Everything the scripts install or keep lives here (git-ignored); FAILBACK_CACHE_DIR moves it. */
export const CACHE_DIR = process.env.FAILBACK_CACHE_DIR ?? path.join(REPO_ROOT, '.cache');
export const BIN_DIR = path.join(CACHE_DIR, 'bin');
export const DOWNLOAD_DIR = path.join(CACHE_DIR, 'downloads');
export const STATE_DIR = path.join(CACHE_DIR, 'state');
export const VENV_DIR = path.join(CACHE_DIR, 'venv');
export const LOG_DIR = path.join(CACHE_DIR, 'logs');
