import type { Device } from '../device.entity.js';

/** A device as `GET /devices` shows it; dates are ISO-8601 UTC. */
export interface DeviceView {
  id: number;
  name: string;
  details: string;
  created: string;
  last_request_datetime: string;
  current: boolean;
  /** With `storeClientAddress` only: the client address at login, and at the last login or refresh (null when unknown). */
  login_address?: string | null;
  last_address?: string | null;
}

export function toDeviceView(device: Device, current: Device | null, withAddresses = false): DeviceView {
  const view: DeviceView = {
    id: device.id,
    name: device.name,
    details: device.details,
    created: new Date(device.created).toISOString(),
    last_request_datetime: new Date(device.lastRequestDatetime).toISOString(),
    current: current !== null && current.id === device.id,
  };
  return withAddresses ? { ...view, login_address: device.loginAddress, last_address: device.lastAddress } : view;
}
