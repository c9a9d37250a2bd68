/** The parts of a `postgres://` or `mysql://` URL that TypeORM and the admin clients need. */
export interface DatabaseServer {
  host: string;
  port: number;
  username: string;
  password: string | undefined;
  database: string;
}

export function parseDatabaseUrl(envName: string, url: string, defaultPort: number): DatabaseServer {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${envName} is not a valid URL (expected e.g. scheme://user@127.0.0.1:${defaultPort}/db)`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!parsed.hostname || !parsed.username || !database) {
    throw new Error(`${envName} must name a host, a user and a database (scheme://user@host:port/db)`);
  }
  return {
    // Brackets stay on IPv6 literals in URL.hostname; the drivers want them off.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : defaultPort,
    username: decodeURIComponent(parsed.username),
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
  };
}
