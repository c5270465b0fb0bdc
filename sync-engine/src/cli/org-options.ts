/** Checks shared by the commands that sign in to an org: username, password (or SFO_PASSWORD), client id, login URL. */
import { DEFAULT_LOGIN_URL } from '../sign-in/login-flow';

export interface OrgSignInOptions {
  username?: string;
  password?: string;
  clientId?: string;
  loginUrl: string;
}

/** The first problem with the sign-in options, naming the option; null when they are usable. */
export function signInProblem(opts: OrgSignInOptions, env: NodeJS.ProcessEnv, usernameHint = ''): string | null {
  if (opts.clientId !== undefined && opts.clientId.trim() === '') return '--client-id: must not be empty';
  if (!opts.username || opts.username.trim() === '') return `--username is required${usernameHint}`;
  if (opts.password === undefined && env.SFO_PASSWORD === undefined)
    return '--password is required (or set SFO_PASSWORD)';
  let url: URL;
  try {
    url = new URL(opts.loginUrl);
  } catch {
    return `--login-url: "${opts.loginUrl}" is not a URL (e.g. ${DEFAULT_LOGIN_URL})`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `--login-url: "${opts.loginUrl}" must be an http or https URL`;
  return null;
}
