// Preloaded with `node --import ./loopback.mjs`: binds every server Portkey starts to
// 127.0.0.1. Portkey 1.15.2's start-server.js calls @hono/node-server's serve({fetch, port})
// without a hostname, so it would listen on every interface; this example stays on loopback.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (port, host, ...rest) {
  if (typeof port === 'number' && (host === undefined || typeof host === 'function')) {
    const callbacks = [host, ...rest].filter((arg) => typeof arg === 'function');
    return listen.call(this, port, '127.0.0.1', ...callbacks);
  }
  return listen.call(this, port, host, ...rest);
};
