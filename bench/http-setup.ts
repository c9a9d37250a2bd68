/** A JSON request made while setting a scenario up; anything but 2xx throws with the answer. */
export async function requestJson<T>(origin: string, method: string, path: string, body?: object, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export interface LoginAnswer {
  token: string;
  permanent_token: string;
  device_id: number;
}

export function login(origin: string, username: string, password: string): Promise<LoginAnswer> {
  return requestJson<LoginAnswer>(origin, 'POST', '/auth-token', { username, password });
}
