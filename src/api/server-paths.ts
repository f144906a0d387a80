/**
 * What the server's own file system looks like is nobody's business but its operator's: messages
 * shown to callers (503 bodies, /health, MCP tool errors) name folders inside the project by their
 * path in it (`index`, `collections/handbook`, which is what a command run there takes) and any
 * other absolute path not at all. The log keeps the whole message.
 */
import { PROJECT_ROOT } from '../paths.js';

/** An absolute POSIX path: a "/" that does not continue a word, a URL or another path, up to a space or quote. */
const ABSOLUTE_PATH = /(?<![\w.:/~-])\/[^\s'"`()<>,;]*/g;

function shown(p: string): string {
  if (p === '/') return p;
  return p.startsWith(PROJECT_ROOT) ? p.slice(PROJECT_ROOT.length) || '.' : '<a folder on the server>';
}

export function withoutServerPaths(text: string): string {
  // A sentence's full stop after a path is not part of it.
  return text.replace(ABSOLUTE_PATH, (p) => {
    const stop = /\.+$/.exec(p)?.[0] ?? '';
    return shown(p.slice(0, p.length - stop.length)) + stop;
  });
}
