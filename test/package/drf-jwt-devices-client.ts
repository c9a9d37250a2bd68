import { request, type HttpResponse, type RequestHeaders } from '../support/http.js';

export interface DrfLogin {
  token: string;
  permanent_token: string;
  device_id: number;
}

export interface DrfDevice {
  id: number;
  name: string;
  details: string;
  created: string;
  last_request_datetime: string;
}

/**
 * A client as apps wrote them for drf-jwt-devices: Django paths with their trailing slash,
 * `Authorization: JWT <token>`, the device named by `X-Device-Model`, the permanent token kept
 * for the device's whole life and sent as `Permanent-Token` to get a fresh access token.
 * It keeps no state; each call answers the raw response so a test can compare it with drf's.
 */
export class DrfJwtDevicesClient {
  constructor(
    private readonly baseUrl: string,
    private readonly userAgent = 'okhttp/3.12.1',
  ) {}

  login(credentials: { username: string; password: string }, deviceModel?: string): Promise<HttpResponse<DrfLogin>> {
    const headers: Record<string, string> = { 'User-Agent': this.userAgent };
    if (deviceModel) headers['X-Device-Model'] = deviceModel;
    return this.send<DrfLogin>('POST', '/auth-token/', headers, credentials);
  }

  /** Login the way DRF's form parser took it, as HTML forms and many older clients posted. */
  loginWithForm(credentials: { username: string; password: string }): Promise<HttpResponse<DrfLogin>> {
    const form = new URLSearchParams(credentials).toString();
    return request<DrfLogin>(this.baseUrl, {
      method: 'POST',
      path: '/auth-token/',
      headers: { 'User-Agent': this.userAgent },
      body: form,
      contentType: 'application/x-www-form-urlencoded',
    });
  }

  refresh(permanentToken: string | undefined): Promise<HttpResponse<{ token: string }>> {
    const headers: Record<string, string> = permanentToken === undefined ? {} : { 'Permanent-Token': permanentToken };
    return this.send('POST', '/device-refresh-token/', headers);
  }

  devices(token: string): Promise<HttpResponse<DrfDevice[]>> {
    return this.send('GET', '/devices/', this.auth(token));
  }

  deleteDevice(token: string | undefined, id: number): Promise<HttpResponse> {
    return this.send('DELETE', `/devices/${id}/`, token === undefined ? {} : this.auth(token));
  }

  logout(token: string, deviceId: number | undefined): Promise<HttpResponse> {
    const headers = deviceId === undefined ? this.auth(token) : { ...this.auth(token), 'Device-Id': String(deviceId) };
    return this.send('DELETE', '/device-logout/', headers);
  }

  /** Any route of the app with the access token, e.g. the sample app's `/profile/`. */
  get<T>(path: string, token: string, extraHeaders: Record<string, string> = {}): Promise<HttpResponse<T>> {
    return this.send<T>('GET', path, { ...this.auth(token), ...extraHeaders });
  }

  private auth(token: string): Record<string, string> {
    return { Authorization: `JWT ${token}` };
  }

  private send<T = unknown>(method: string, path: string, headers: RequestHeaders, body?: unknown): Promise<HttpResponse<T>> {
    return request<T>(this.baseUrl, { method, path, headers, body });
  }
}
