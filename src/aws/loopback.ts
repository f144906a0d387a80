/** AWS emulators on loopback (serverless offline, s3rver) accept any signature but still want one. */

export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Placeholder credentials: an emulator on loopback accepts any signature. Never sent elsewhere. */
export const LOOPBACK_CREDENTIALS = { accessKeyId: 'local-emulator', secretAccessKey: 'local-emulator' };
