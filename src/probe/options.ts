/** Reads and validates the options of `certkey probe`; every mistake is E_USAGE naming the flag. */
import { isIP } from 'node:net';
import { timeoutMsOf } from '../commands/run-options.js';
import { CertkeyError } from '../errors.js';

/** The SMS Agent's listeners on the target: management and data. */
export const DEFAULT_PORTS = { mgmt: 8899, data: 8900 } as const;

/** Validated options of `certkey probe`. */
export interface ProbeOptions {
  bundle: string;
  /** The target's address or host name, without brackets or port. */
  host: string;
  mgmtPort: number;
  dataPort: number;
  timeoutMs: number;
  out: string;
  json: boolean;
}

/** Validates the arguments of `certkey probe`. */
export function readProbeOptions(argv: Record<string, unknown>): ProbeOptions {
  const bundle = argv.bundle;
  if (typeof bundle !== 'string' || bundle === '') {
    throw new CertkeyError(
      'E_USAGE',
      '--bundle is needed: the saved certkey reply whose source certificate connects',
      'add --bundle FILE (the private keys must be there: a redacted export cannot connect)',
    );
  }

  const mgmtPort = port('mgmt-port', argv['mgmt-port'] ?? DEFAULT_PORTS.mgmt);
  const dataPort = port('data-port', argv['data-port'] ?? DEFAULT_PORTS.data);

  return {
    bundle,
    host: host(argv.host),
    mgmtPort,
    dataPort,
    timeoutMs: timeoutMsOf(argv.timeout),
    out: typeof argv.out === 'string' && argv.out !== '' ? argv.out : 'reports/probe',
    json: argv.json === true,
  };
}

function host(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CertkeyError(
      'E_USAGE',
      '--host is needed: the target server to probe',
      "add --host with the target's IP address or host name, e.g. --host 192.168.0.12",
    );
  }

  const text = value.trim();
  const bracketed = /^\[(.+)\]$/.exec(text)?.[1];
  if (bracketed && isIP(bracketed) === 6) return bracketed;
  if (isIP(text) !== 0) return text;
  if (
    !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(
      text,
    )
  ) {
    throw new CertkeyError(
      'E_USAGE',
      `--host ${JSON.stringify(text)} is not an IP address or host name`,
      'give the address alone (no scheme, path or port): ports go in --mgmt-port and --data-port',
    );
  }
  return text;
}

function port(name: string, value: unknown): number {
  const number = Number(value);
  if (Number.isInteger(number) && number >= 1 && number <= 65535) return number;
  throw new CertkeyError(
    'E_USAGE',
    `--${name} ${JSON.stringify(String(value))} is not a port number`,
    `give --${name} a whole number from 1 to 65535`,
  );
}

/** `host:port`, with brackets around an IPv6 address. */
export function addressOf(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
