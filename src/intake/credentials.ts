/**
 * AK/SK credentials, from where Huawei Cloud users already keep them: the SDK's environment
 * variables, or a file given with `--credentials-file`. Never from a flag holding the secret
 * itself, which would land in shell history and process lists.
 *
 * A credentials file is either
 *   - JSON: `{"ak": "...", "sk": "...", "project_id": "...", "security_token": "..."}`, the
 *     last two optional (a security token comes with temporary credentials), or
 *   - the `credentials.csv` the console downloads: a header line
 *     `User Name,Access Key Id,Secret Access Key` and one line of values.
 * HUAWEICLOUD_SDK_PROJECT_ID fills in the project id when the file has none; the security
 * token variable is not mixed with a file's keys, since a token belongs to one AK.
 *
 * Messages name the variable, file or field, never a value.
 */
import { readFile, stat } from 'node:fs/promises';
import { CertkeyError } from '../errors.js';
import type { AkSkCredentials } from './sign.js';

/** The SDK's environment variables. */
export const ENV = {
  ak: 'HUAWEICLOUD_SDK_AK',
  sk: 'HUAWEICLOUD_SDK_SK',
  projectId: 'HUAWEICLOUD_SDK_PROJECT_ID',
  securityToken: 'HUAWEICLOUD_SDK_SECURITY_TOKEN',
} as const;

/** Where to look. */
export interface CredentialSources {
  /** The `--credentials-file` value; it wins over the environment. */
  file?: string;
  /** The environment; process.env when absent. */
  env?: Record<string, string | undefined>;
  /** Where warnings go; stderr when absent. */
  warn?: (line: string) => void;
}

/** The largest credentials file read: a few keys and a header fit in far less. */
const MAX_FILE_BYTES = 64 * 1024;

/**
 * Reads AK/SK credentials from the file when one is named, else from the environment.
 * Returns undefined when neither holds any; throws E_CONFIG when what is there is
 * incomplete or malformed. A file readable by group or others gets a warning, no refusal.
 */
export async function readCredentials(
  sources: CredentialSources = {},
): Promise<AkSkCredentials | undefined> {
  const env = sources.env ?? process.env;
  const warn = sources.warn ?? ((line: string) => process.stderr.write(`${line}\n`));

  if (sources.file !== undefined) {
    const fromFile = await readCredentialsFile(sources.file, warn);
    const projectId = value(env, ENV.projectId);
    if (fromFile.projectId || !projectId) return fromFile;
    return { ...fromFile, projectId: checkHeaderValue(projectId, `the variable ${ENV.projectId}`) };
  }
  return fromEnvironment(env);
}

/** Like readCredentials, but throws E_CONFIG when there are none. */
export async function loadCredentials(sources: CredentialSources = {}): Promise<AkSkCredentials> {
  const credentials = await readCredentials(sources);
  if (credentials) return credentials;

  throw new CertkeyError(
    'E_CONFIG',
    `no AK/SK credentials: ${ENV.ak} and ${ENV.sk} are not set and no --credentials-file given`,
    `export ${ENV.ak} and ${ENV.sk}, or pass --credentials-file FILE (JSON or the console's ` +
      'credentials.csv)',
  );
}

/** The SDK's variables; undefined when neither AK nor SK is set. */
function fromEnvironment(env: Record<string, string | undefined>): AkSkCredentials | undefined {
  const ak = value(env, ENV.ak);
  const sk = value(env, ENV.sk);
  if (!ak && !sk) return undefined;

  const [present, missing] = ak ? [ENV.ak, ENV.sk] : [ENV.sk, ENV.ak];
  if (!ak || !sk) {
    throw new CertkeyError(
      'E_CONFIG',
      `${present} is set but ${missing} is not`,
      `export ${missing} too (the AK and SK come as a pair), or unset ${present}`,
    );
  }

  const credentials = checked({ ak, sk }, (field) => `the variable ${ENV[field]}`);
  const projectId = value(env, ENV.projectId);
  const securityToken = value(env, ENV.securityToken);
  if (projectId)
    credentials.projectId = checkHeaderValue(projectId, `the variable ${ENV.projectId}`);
  if (securityToken) {
    credentials.securityToken = checkHeaderValue(
      securityToken,
      `the variable ${ENV.securityToken}`,
    );
  }
  return credentials;
}

/** A variable's trimmed value, undefined when unset or blank. */
function value(env: Record<string, string | undefined>, name: string): string | undefined {
  const text = env[name]?.trim();
  return text ? text : undefined;
}

/** Reads and parses a credentials file, warning when others can read it. */
async function readCredentialsFile(
  path: string,
  warn: (line: string) => void,
): Promise<AkSkCredentials> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    if (info.size > MAX_FILE_BYTES) throw Object.assign(new Error('large'), { code: 'EFBIG' });
    if (process.platform !== 'win32' && (info.mode & 0o044) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
      warn(
        `certkey: warning: ${path} is readable by group or others (mode ${mode}): ` +
          `run chmod 600 ${path}`,
      );
    }
    text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    throw fileError(path, error);
  }

  return /^\s*[{[]/.test(text) ? parseJson(text, path) : parseCsv(text, path);
}

/** The E_CONFIG error for a file that cannot be read. */
function fileError(path: string, error: unknown): CertkeyError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EISDIR: 'it is not a regular file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EFBIG: `it is over ${MAX_FILE_BYTES / 1024} KiB, too large for credentials`,
  };
  return new CertkeyError(
    'E_CONFIG',
    `cannot read the credentials file ${path}: ${reasons[code] ?? code}`,
    'check the path given to --credentials-file and that this user can read it',
  );
}

/** The JSON form. Parse errors name the file only: the text holds the SK. */
function parseJson(text: string, path: string): AkSkCredentials {
  const shape =
    'a JSON credentials file is {"ak": "...", "sk": "...", "project_id": "...", ' +
    '"security_token": "..."} with the last two optional';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CertkeyError('E_CONFIG', `the credentials file ${path} is not valid JSON`, shape);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CertkeyError('E_CONFIG', `the credentials file ${path} is not a JSON object`, shape);
  }

  const record = json as Record<string, unknown>;
  const field = (name: string, required: boolean): string | undefined => {
    const found = record[name];
    if (found === undefined && !required) return undefined;
    if (typeof found === 'string' && found.trim()) return found.trim();
    const problem = found === undefined ? 'has no' : 'has an empty or non-string';
    throw new CertkeyError('E_CONFIG', `the credentials file ${path} ${problem} "${name}"`, shape);
  };

  const credentials = checked(
    { ak: field('ak', true) ?? '', sk: field('sk', true) ?? '' },
    (name) => `"${name}" in ${path}`,
  );
  const projectId = field('project_id', false);
  const securityToken = field('security_token', false);
  if (projectId) credentials.projectId = checkHeaderValue(projectId, `"project_id" in ${path}`);
  if (securityToken) {
    credentials.securityToken = checkHeaderValue(securityToken, `"security_token" in ${path}`);
  }
  return credentials;
}

/** The console's credentials.csv: columns found by their header names. */
function parseCsv(text: string, path: string): AkSkCredentials {
  const remedy =
    'use the credentials.csv the console downloaded (header "User Name,Access Key Id,Secret ' +
    'Access Key") unchanged, or a JSON file {"ak": "...", "sk": "..."}';
  const rows = text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map(splitCsvLine);
  const header = (rows[0] ?? []).map((name) => name.trim().toLowerCase());
  const akAt = header.indexOf('access key id');
  const skAt = header.indexOf('secret access key');
  if (akAt < 0 || skAt < 0) {
    const what = 'has no "Access Key Id" and "Secret Access Key" header';
    throw new CertkeyError('E_CONFIG', `the credentials file ${path} ${what}`, remedy);
  }
  if (rows.length !== 2) {
    const count = rows.length - 1;
    const what = `holds ${count} lines of keys where one is expected`;
    throw new CertkeyError('E_CONFIG', `the credentials file ${path} ${what}`, remedy);
  }

  const row = rows[1] ?? [];
  const ak = row[akAt]?.trim() ?? '';
  const sk = row[skAt]?.trim() ?? '';
  if (!ak || !sk) {
    const what = `has an empty ${ak ? 'Secret Access Key' : 'Access Key Id'}`;
    throw new CertkeyError('E_CONFIG', `the credentials file ${path} ${what}`, remedy);
  }
  return checked(
    { ak, sk },
    (field) => `the ${field === 'ak' ? 'Access Key Id' : 'Secret Access Key'} in ${path}`,
  );
}

/** Splits one CSV line, honouring double quotes and doubled quotes inside them. */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted && char === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else {
      cell += char;
    }
  }
  cells.push(cell);
  return cells;
}

/** Checks that the AK and SK can travel in a header and a signature. */
function checked(
  pair: { ak: string; sk: string },
  where: (field: 'ak' | 'sk') => string,
): AkSkCredentials {
  return { ak: checkHeaderValue(pair.ak, where('ak')), sk: checkHeaderValue(pair.sk, where('sk')) };
}

/** Rejects spaces, line breaks and non-ASCII inside a value, without showing it. */
function checkHeaderValue(text: string, where: string): string {
  if (/^[\x21-\x7e]+$/.test(text)) return text;
  throw new CertkeyError(
    'E_CONFIG',
    `${where} holds spaces, line breaks or non-ASCII characters`,
    'copy the value again exactly as the console shows it',
  );
}
