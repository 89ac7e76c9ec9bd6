/**
 * The Redis client BullMQ runs on here (src/queue/resp-client.ts), against a
 * real redis-server: binary values byte for byte (a 3 MiB one arrives in many
 * socket chunks), replies of every RESP type, MULTI / pipelines, scripts by
 * EVALSHA with the EVAL fallback after the server forgot them, the offline
 * queue and reconnection across a server restart, and disconnect() ending it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespClient } from '../src/queue/resp-client.js';
import { freePort, RedisServer, waitFor } from './helpers/redis.js';

let redis: RedisServer;
let c: RespClient;

beforeAll(async () => {
  redis = new RedisServer(await freePort());
  await redis.start();
  c = new RespClient({ port: redis.port, retryStrategy: () => 50 });
  await c.connect();
}, 30_000);

afterAll(async () => {
  c?.disconnect();
  await redis?.stop();
});

describe('RespClient', () => {
  it('stores and reads binary values byte for byte, small and large', async () => {
    for (const n of [0, 1, 13, 70_000, 3 * 2 ** 20 + 7]) {
      const b = randomBytes(n);
      expect(await c.set(`bin:${n}`, b)).toBe('OK');
      const back = await c.getBuffer(`bin:${n}`);
      expect(back!.equals(b), `${n} bytes`).toBe(true);
    }
    expect(await c.getBuffer('bin:none')).toBeNull();
    expect(await c.set('nx', 'a', { NX: true })).toBe('OK');
    expect(await c.set('nx', 'b', { NX: true })).toBeNull();
  });

  it('answers every reply type and keeps replies in order under pipelining', async () => {
    await c.hset('h', { a: '1', b: 'two', '': 'empty name' });
    expect(await c.hgetall('h')).toEqual({ a: '1', b: 'two', '': 'empty name' });
    expect(await c.hmget('h', 'a', 'zz')).toEqual(['1', null]);
    const many = await Promise.all(Array.from({ length: 500 }, (_, i) => c.send(['ECHO', `v${i}`])));
    expect(many).toEqual(Array.from({ length: 500 }, (_, i) => `v${i}`));
    await expect(c.send(['NOSUCHCOMMAND'])).rejects.toThrow(/unknown command/);
    const t = await c.multi().hgetall('h').llen('nolist').del('h').exec();
    expect(t).toEqual([[null, { a: '1', b: 'two', '': 'empty name' }], [null, 0], [null, 1]]);
    const pl = await c.pipeline().llen('nolist').smembers('noset').exec();
    expect(pl).toEqual([[null, 0], [null, []]]);
  });

  it('runs scripts by EVALSHA, and by EVAL once the server has forgotten them', async () => {
    c.defineCommand('addTwo', { numberOfKeys: 1, lua: "return redis.call('INCRBY', KEYS[1], ARGV[1]) + 0" });
    expect(await c.runCommand('addTwo', ['counter', 2])).toBe(2);
    await c.send(['SCRIPT', 'FLUSH']);
    expect(await c.runCommand('addTwo', [['counter'], [5]])).toBe(7);
  });

  it('waits out a server restart: commands sent meanwhile run after it, in-flight ones are rejected', async () => {
    let closes = 0;
    c.on('close', () => closes++);
    await redis.stop();
    await waitFor(() => c.status === 'reconnecting', 5000, 'reconnecting');
    const later = c.send(['PING']);
    await redis.start();
    expect(await later).toBe('PONG');
    expect(closes).toBeGreaterThanOrEqual(1);
    expect(c.status).toBe('ready');
  }, 30_000);

  it('disconnect() ends it: later commands are refused', async () => {
    const d = c.duplicate();
    await d.connect();
    expect(await d.send(['PING'])).toBe('PONG');
    d.disconnect();
    await waitFor(() => d.status === 'end', 5000, 'end');
    await expect(d.send(['PING'])).rejects.toThrow(/Connection is closed/);
  });
});
