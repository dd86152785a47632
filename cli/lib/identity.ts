import os from 'node:os';

/** Who runs this command, for the audit trail: DOCKHAND_USER, else the login name, else the uid (a uid
 * with no passwd entry, as in CI containers run with --user, has no name; os.userInfo() throws there). */
export function safeUserName(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOCKHAND_USER) return env.DOCKHAND_USER;
  try {
    return os.userInfo().username;
  } catch {
    return `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}
