// The "Your devices" page: the package's client on localStorage, shared by every tab of this origin.
import { JwtDevicesClient, webStorage } from '/assets/client/index.js';

const setting = (name) => document.querySelector(`meta[name="jwt-devices-${name}"]`).content;
const routes = setting('routes');
const client = new JwtDevicesClient({
  baseUrl: routes,
  storage: webStorage(localStorage),
  authHeaderPrefix: setting('auth-prefix'),
  usernameField: setting('username-field'),
});

const $ = (id) => document.getElementById(id);
const loginForm = $('login');
const devicesSection = $('devices');
const status = $('status');
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function say(message) {
  status.textContent = message;
}

function showLogin(message = '') {
  say(message);
  devicesSection.hidden = true;
  loginForm.hidden = false;
  loginForm.elements.username.focus();
}

async function api(path, init) {
  const response = await client.fetch(`${routes}${path}`, init);
  if (response.status === 401) throw new SessionLost();
  return response;
}

class SessionLost extends Error {}

async function showDevices() {
  const response = await api('/devices');
  if (!response.ok) throw new Error(`The device list answered ${response.status}.`);
  renderDevices(await response.json());
  loginForm.hidden = true;
  devicesSection.hidden = false;
}

function renderDevices(devices) {
  const rows = devices.map((device) => {
    const row = document.createElement('tr');
    row.dataset.deviceId = String(device.id);
    if (device.current) row.className = 'current';
    const name = document.createElement('td');
    name.append(Object.assign(document.createElement('span'), { className: 'name', textContent: device.name || 'Unnamed device' }));
    if (device.current) name.append(Object.assign(document.createElement('span'), { className: 'badge', textContent: 'this device' }));
    if (device.details) name.append(Object.assign(document.createElement('small'), { textContent: device.details }));
    const action = document.createElement('td');
    if (!device.current) {
      const button = Object.assign(document.createElement('button'), { type: 'button', className: 'secondary', textContent: 'Log out this device' });
      button.addEventListener('click', () => run(() => logOutDevice(device.id)));
      action.append(button);
    }
    row.append(name, cell(formatDate(device.created), 'when'), cell(formatDate(device.last_request_datetime), 'when'), cell(device.last_address ?? device.login_address ?? '', 'address'), action);
    return row;
  });
  devicesSection.querySelector('table').classList.toggle('with-address', devices.some((device) => 'last_address' in device));
  $('device-rows').replaceChildren(...rows);
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function formatDate(iso) {
  return iso ? dateTime.format(new Date(iso)) : '';
}

async function logOutDevice(id) {
  const response = await api(`/devices/${id}`, { method: 'DELETE' });
  if (!response.ok && response.status !== 404) throw new Error(`Logging that device out answered ${response.status}.`);
  await showDevices();
  say('That device is logged out.');
}

async function logOutOthers() {
  const response = await api('/devices/logout-others', { method: 'POST' });
  if (!response.ok) throw new Error(`Logging the other devices out answered ${response.status}.`);
  const { revoked } = await response.json();
  await showDevices();
  say(revoked === 1 ? '1 other device is logged out.' : `${revoked} other devices are logged out.`);
}

/** Runs one user action; a lost session shows the form, any other failure a message. */
async function run(action) {
  say('');
  try {
    await action();
  } catch (error) {
    if (error instanceof SessionLost) showLogin('Your session has ended. Please log in again.');
    else say(error instanceof Error ? error.message : String(error));
  }
}

let loggingIn = false;
loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const { username, password, device } = loginForm.elements;
  run(async () => {
    loggingIn = true;
    try {
      await client.login(username.value, password.value, device.value.trim() || undefined);
    } catch (error) {
      say(error.message);
      return;
    } finally {
      loggingIn = false;
    }
    password.value = '';
    await showDevices();
  });
});
$('reload').addEventListener('click', () => run(showDevices));
$('logout-others').addEventListener('click', () => run(logOutOthers));
$('logout').addEventListener('click', () => run(async () => {
  await client.logout();
}));
// Ended here or in another tab: revoked, logged out elsewhere, or logged out here.
client.on('ended', ({ reason }) => showLogin(reason === 'revoked' ? 'This device was logged out.' : ''));
// Another tab logged in on this storage.
client.on('session', () => {
  if (!loginForm.hidden && !loggingIn) run(showDevices);
});

run(async () => ((await client.session()) ? showDevices() : showLogin()));
