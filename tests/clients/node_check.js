// Drive a server with ioredis or node-redis the way applications do, and
// print what the library returned, one step a line, for clients_test.go to
// compare with the same run against redis-server. The lines are those of
// redispy_check.py: STEP<TAB>eq<TAB>JSON, or STEP<TAB>keys<TAB>JSON object.
//
// Usage: node node_check.js --client ioredis|node-redis --resp 2|3
//          --port P --auth-port A --password PW
// The libraries are found through NODE_PATH (see node_test.go).
'use strict';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].slice(2)] = process.argv[i + 1];
const port = Number(args.port), authPort = Number(args['auth-port']), password = args.password;
const resp = Number(args.resp);

// canon turns a reply into JSON-able values with the order Redis does not
// promise taken out (object keys, Set and Map entries sorted).
function canon(v) {
  if (v === undefined) return '<undefined>';
  if (v === null) return null;
  if (Buffer.isBuffer(v)) return '<buf ' + v.toString('hex') + '>';
  if (typeof v === 'number') return Number.isFinite(v) ? v : '<' + String(v) + '>';
  if (typeof v === 'bigint') return '<bigint ' + v + '>';
  if (v instanceof Error) return '!' + v.constructor.name + ': ' + v.message;
  if (v instanceof Date) return '<date>';
  if (Array.isArray(v)) return v.map(canon);
  if (v instanceof Set) return { '<set>': sorted([...v].map(canon)) };
  if (v instanceof Map) return { '<map>': sorted([...v].map(([k, x]) => [canon(k), canon(x)])) };
  if (typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = canon(v[k]);
    return out;
  }
  return v;
}

function sorted(a) {
  return [...a].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : JSON.stringify(x) > JSON.stringify(y) ? 1 : 0));
}

function emit(step, mode, payload) {
  process.stdout.write(step + '\t' + mode + '\t' + payload.replace(/\t/g, '\\t').replace(/\n/g, '\\n') + '\n');
}

// run records what fn resolves to, or the error it throws; a step that
// takes more than 10 s records a time-out, so a hang is one wrong line.
async function run(step, fn) {
  let v, timer;
  try {
    v = await Promise.race([fn(), new Promise((_, rej) => { timer = setTimeout(() => rej(new Error('step timed out')), 10000); })]);
  } catch (e) {
    v = e instanceof Error ? e : new Error(String(e));
  }
  clearTimeout(timer);
  emit(step, 'eq', JSON.stringify(canon(v)));
  return v;
}

async function errOf(fn) {
  try {
    return await fn();
  } catch (e) {
    return e;
  }
}

function keys(step, obj) {
  const out = {};
  for (const k of Object.keys(obj)) out[k] = String(obj[k]);
  emit(step, 'keys', JSON.stringify(out, Object.keys(out).sort()));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function timed(fn, lo, hi) {
  const start = Date.now();
  const v = await fn();
  const took = (Date.now() - start) / 1000;
  return [v, lo <= took && took <= hi];
}

// clientFields parses CLIENT LIST/INFO text as applications do, without
// the lib-name and lib-ver fields Shoal shows (Redis 7.2's, which
// tests/compat leaves out too) and the ids, addresses and times that
// differ on every run.
const clientVarying = new Set(['id', 'addr', 'laddr', 'fd', 'age', 'idle', 'qbuf', 'qbuf-free', 'argv-mem', 'multi-mem',
  'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'lib-name', 'lib-ver']);
function clientFields(text) {
  return text.trim().split('\n').map((line) => line.split(' ').map((f) => f.split('=')[0]).filter((f) => f !== 'lib-name' && f !== 'lib-ver'));
}
function clientValues(text) {
  return text.trim().split('\n').map((line) => Object.fromEntries(line.split(' ').map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]).filter(([k]) => !clientVarying.has(k))));
}

// infoTypes reads INFO text as a monitoring client does: each field, and
// whether its value reads as a number.
const infoIds = new Set(['run_id', 'redis_build_id', 'redis_git_sha1', 'master_replid', 'master_replid2']);
function infoTypes(text) {
  const out = {}, raw = [];
  for (const line of String(text).split('\r\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i < 0) { raw.push(line); continue; }
    const k = line.slice(0, i), v = line.slice(i + 1);
    if (k.startsWith('cmdstat_') || k.startsWith('errorstat_') || k.startsWith('latency_percentiles_usec_')) continue;
    out[k] = infoIds.has(k) ? 'id' : /^-?\d+(\.\d+)?$/.test(v) ? 'number' : v.includes('=') ? 'fields' : 'string';
  }
  return [out, raw];
}

// configValues are CONFIG GET * with the servers' own settings left out.
const configVarying = new Set(['port', 'dir', 'pidfile', 'logfile', 'bind', 'unixsocket', 'daemonize', 'save', 'appendonly', 'requirepass', 'io-threads']);
function configValues(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) out[k] = configVarying.has(k) ? '<varies>' : v;
  return out;
}

// memoryShape is MEMORY STATS as a client reads it: each field and the
// kind of its value, the per-database entries by their field names.
function memoryShape(v) {
  const entries = v instanceof Map ? [...v] : Array.isArray(v) ? pairsOf(v) : Object.entries(v);
  return Object.fromEntries(entries.map(([k, x]) => [String(k), String(k).startsWith('db.') ? Object.keys(x instanceof Map ? Object.fromEntries(x) : Array.isArray(x) ? Object.fromEntries(pairsOf(x)) : x).sort() : typeof x]));
}
function pairsOf(a) { const o = []; for (let i = 0; i < a.length; i += 2) o.push([a[i], a[i + 1]]); return o; }

// histogramShape keeps of LATENCY HISTOGRAM what does not depend on
// timing: each command's calls and its last (cumulative) bucket.
function histogramShape(v) {
  const out = {};
  const entries = v instanceof Map ? [...v] : Array.isArray(v) ? pairsOf(v) : Object.entries(v);
  for (const [name, e] of entries) {
    const m = e instanceof Map ? Object.fromEntries(e) : Array.isArray(e) ? Object.fromEntries(pairsOf(e)) : e;
    const h = m.histogram_usec ?? m.histogramUsec;
    const buckets = h instanceof Map ? [...h.values()] : Array.isArray(h) ? pairsOf(h).map(([, c]) => c) : Object.values(h);
    out[name] = [Object.keys(m).sort(), m.calls, buckets[buckets.length - 1]];
  }
  return out;
}

// withoutIds drops the HELLO fields that differ between any two
// connections or builds.
function withoutIds(h) {
  const o = h instanceof Map ? Object.fromEntries(h) : Array.isArray(h) ? Object.fromEntries(pairsOf(h)) : { ...h };
  delete o.id; delete o.version;
  return o;
}

// ---- ioredis ----

async function ioredis() {
  const Redis = require('ioredis');
  const opts = (extra) => ({ port, host: '127.0.0.1', protocol: resp, maxRetriesPerRequest: 1, retryStrategy: () => null, ...extra });
  const c = new Redis(opts({ connectionName: 'ioredis-check' }));
  const other = new Redis(opts());
  const all = [c, other];
  await run('connect ping', () => c.ping());
  await run('connect name', () => c.client('GETNAME'));
  await run('client info fields', async () => clientFields(await c.client('INFO')));
  await run('client info values', async () => clientValues(await c.client('INFO')));
  await run('client list names', async () => clientValues(await c.client('LIST')).map((x) => x.name).sort());
  await run('hello', async () => (resp === 3 ? Object.keys(await c.hello(3)).sort() : 'resp2'));
  await c.flushall();

  // passwords
  for (const [step, o] of [['auth ok', { password }], ['auth default user', { username: 'default', password }],
    ['auth wrong', { password: 'nope' }], ['auth none', {}]]) {
    const a = new Redis({ ...opts(o), port: authPort, lazyConnect: true });
    let failed; // ioredis reports a refused AUTH as an 'error' event
    a.on('error', (e) => { failed = failed || e; });
    await run(step, async () => { try { await a.connect(); return await a.set('a', 'b'); } catch (e) { throw failed || e; } finally { a.disconnect(); } });
  }
  const ap = new Redis({ ...opts({ password, connectionName: 'authed', db: 1 }), port: authPort });
  await run('auth name db', async () => [await ap.client('GETNAME'), clientValues(await ap.client('INFO'))[0].db]);
  ap.disconnect();

  // strings
  const bin = Buffer.alloc(768, 0).map((_, i) => i % 256);
  await run('binary', async () => [await c.set(Buffer.from('bin\x00key\xff', 'latin1'), bin), (await c.getBuffer(Buffer.from('bin\x00key\xff', 'latin1'))).equals(bin)]);
  const big = Buffer.concat([Buffer.alloc(1 << 20, 'x'), Buffer.from('end')]);
  await run('1MB', async () => { await c.set('big', big); const v = await c.getBuffer('big'); return [v.length, v.equals(big), await c.strlen('big')]; });
  await run('set options', async () => [await c.set('s', 'v1', 'NX'), await c.set('s', 'v2', 'NX'), await c.set('s', 'v3', 'XX'), await c.set('s', 'v4', 'GET'),
    await c.set('s', 'v5', 'EX', 100, 'GET'), await c.set('s', 'v6', 'KEEPTTL'), (await c.ttl('s')) >= 99]);
  await run('ttl helpers', async () => [await c.expire('s', 50), await c.ttl('s'), await c.persist('s'), await c.ttl('s'), await c.pexpire('s', 60000),
    (await c.pttl('s')) > 59000, await c.ttl('nokey'), await c.expire('s', 10, 'GT'), await c.expiretime('nokey')]);
  await run('incr', async () => [await c.incr('n'), await c.incrby('n', 10), await c.decr('n'), await c.incrbyfloat('f', 10.5), await c.incrbyfloat('f', 0.1),
    await c.incrbyfloat('f', 5e3), await c.incrbyfloat('f2', 3), await c.incrbyfloat('f3', '1e20'), await errOf(() => c.incr('s'))]);
  await run('mset mget getdel getex', async () => [await c.mset({ m1: 'a', m2: 'b' }), await c.mget('m1', 'nokey', 'm2'), await c.getdel('m1'), await c.getex('m2', 'EX', 30), await c.ttl('m2')]);

  // hashes
  await run('hset hgetall', async () => [await c.hset('h', { a: 1, b: 'two', c: 3.5 }), await c.hgetall('h'), await c.hgetall('nokey')]);
  await run('hash ops', async () => [await c.hget('h', 'a'), await c.hmget('h', 'a', 'zz'), await c.hincrby('h', 'a', 5), await c.hincrbyfloat('h', 'c', 0.25),
    await c.hlen('h'), (await c.hkeys('h')).sort(), await c.hexists('h', 'a'), await c.hdel('h', 'a', 'zz'), await errOf(() => c.hget('s', 'x'))]);

  // lists
  await run('list ops', async () => [await c.rpush('l', 'a', 'b', 'c'), await c.lpush('l', 'z'), await c.lrange('l', 0, -1), await c.lpop('l', 2), await c.rpop('l'),
    await c.llen('l'), await c.lindex('l', 0), await c.lpos('l', 'b'), await c.lmove('l', 'l2', 'LEFT', 'RIGHT')]);
  await run('blpop timeout', () => timed(() => c.blpop('e1', 'e2', 0.2), 0.15, 2));
  setTimeout(() => other.rpush('wake', 'w1'), 150);
  await run('blpop woken', () => timed(() => c.blpop('wake', 5), 0.1, 4));
  await run('brpop ready', async () => [await c.rpush('e2', 'x', 'y'), await c.brpop('e1', 'e2', 1)]);

  // sets
  await run('set ops', async () => [await c.sadd('s1', 'a', 'b', 'c'), (await c.smembers('s1')).sort(), await c.sismember('s1', 'a'), await c.smismember('s1', 'a', 'z'),
    await c.scard('s1'), await c.sadd('s2', 'b'), await c.sinter('s1', 's2'), await c.srem('s1', 'a'), await c.spop('nokey')]);

  // sorted sets
  await run('zadd', async () => [await c.zadd('z', 1, 'a', 2.5, 'b', -3, 'c'), await c.zadd('z', 'NX', 0, 'a', 4, 'd'), await c.zadd('z', 'XX', 'CH', 10, 'a'),
    await c.zadd('z', 'GT', 'CH', 5, 'a'), await c.zadd('z', 'INCR', 1, 'b'), await errOf(() => c.zadd('z', 'NX', 'XX', 1, 'a'))]);
  await run('zrange withscores', async () => [await c.zrange('z', 0, -1, 'WITHSCORES'), await c.zrange('z', 0, 1, 'REV'), await c.zrangebyscore('z', '-inf', '+inf', 'WITHSCORES', 'LIMIT', 1, 2),
    await c.zrevrangebyscore('z', 100, 0, 'LIMIT', 0, 1), await c.zscore('z', 'b'), await c.zscore('z', 'nope'), await c.zincrby('z', 0.1, 'c'), await c.zmscore('z', 'a', 'nope')]);
  await run('zset inf', async () => [await c.zadd('zi', '-inf', 'lo', '+inf', 'hi', 1e300, 'big'), await c.zrange('zi', 0, -1, 'WITHSCORES'), await c.zpopmin('zi'), await c.zrank('zi', 'hi')]);

  // scans
  await c.mset(Object.fromEntries(Array.from({ length: 300 }, (_, i) => ['scan:' + i, i])));
  await c.hset('hs', Object.fromEntries(Array.from({ length: 600 }, (_, i) => ['f' + i, i])));
  await c.sadd('ss', ...Array.from({ length: 600 }, (_, i) => 'm' + i));
  await c.zadd('zs', ...Array.from({ length: 300 }, (_, i) => [i, 'm' + i]).flat());
  const collect = (stream) => new Promise((res, rej) => { const out = []; stream.on('data', (d) => out.push(...d)); stream.on('end', () => res(out)); stream.on('error', rej); });
  await run('scanStream', async () => (await collect(c.scanStream({ match: 'scan:1*', count: 50 }))).sort());
  await run('hscanStream', async () => (await collect(c.hscanStream('hs', { count: 100 }))).length);
  await run('sscanStream', async () => new Set(await collect(c.sscanStream('ss', { match: 'm1*' }))).size);
  await run('zscanStream', async () => (await collect(c.zscanStream('zs'))).length);

  // pipelines and transactions
  await run('pipeline', () => c.pipeline().set('p', 1).incr('p').lpush('p', 'x').get('p').exec());
  await run('multi', () => c.multi().set('t', 1).incrbyfloat('t', 0.5).lpush('t', 'x').get('t').exec());
  await run('multi execabort', () => errOf(() => c.multi().set('t2', 1).set('onlyonearg').exec()));
  await run('multi after abort', () => c.get('t2'));
  await run('pipeline 10000', async () => {
    const p = c.pipeline();
    for (let i = 0; i < 5000; i++) p.set('k' + i, i);
    for (let i = 0; i < 5000; i++) p.get('k' + i);
    const res = await p.exec();
    return [res.length, res.every(([e]) => e === null), res.slice(5000).every(([, v], i) => v === String(i))];
  });
  await run('watch race', async () => {
    await c.watch('w');
    await other.set('w', 'changed');
    return [await c.multi().set('w', 'mine').exec(), await c.get('w')];
  });
  await run('watch no race', async () => { await c.watch('w2'); return c.multi().set('w2', 'mine').exec(); });

  // pub/sub
  const sub = new Redis(opts());
  const got = [];
  sub.on('message', (ch, m) => got.push(['message', ch, m]));
  sub.on('pmessage', (p, ch, m) => got.push(['pmessage', p, ch, m]));
  await run('subscribe', () => sub.subscribe('news', 'sport'));
  await run('psubscribe', () => sub.psubscribe('n*'));
  await run('numsub', async () => [await c.pubsub('NUMSUB', 'news', 'none'), await c.pubsub('NUMPAT'), (await c.pubsub('CHANNELS')).sort()]);
  await run('publish', async () => [await c.publish('news', 'hi'), await c.publish('sport', 'goal')]);
  for (let i = 0; i < 100 && got.length < 3; i++) await sleep(10);
  await run('messages', () => got);
  await run('subscriber ping', () => sub.ping());
  await run('unsubscribe', async () => [await sub.unsubscribe('sport'), await sub.punsubscribe('n*'), await sub.unsubscribe('news')]);
  await run('numsub after', () => c.pubsub('NUMSUB', 'news'));
  sub.disconnect();

  // scripting
  c.defineCommand('bump', { numberOfKeys: 1, lua: "redis.call('incr', KEYS[1]); return {KEYS[1], ARGV[1], tonumber(redis.call('get', KEYS[1]))}" });
  await run('script', () => c.bump('lk', 'x'));
  await run('script flush', () => c.script('FLUSH'));
  await run('script after flush', () => c.bump('lk', 'y'));
  await run('script in pipeline', async () => { await c.script('FLUSH'); return c.pipeline().bump('lk', 'p').get('lk').exec(); });
  await run('eval', async () => [await c.eval("return {1, 'two', 3.7, true, false}", 0), await errOf(() => c.eval("return redis.error_reply('mine')", 0)),
    await errOf(() => c.eval("return redis.call('incr', KEYS[1])", 1, 'h')), await errOf(() => c.evalsha('0'.repeat(40), 0))]);

  // server
  await run('info parses', async () => infoTypes(await c.info('everything'))[1]);
  keys('info fields', infoTypes(await c.info('everything'))[0]);
  keys('config get', configValues(Object.fromEntries((function pairs(a) { const o = []; for (let i = 0; i < a.length; i += 2) o.push([a[i], a[i + 1]]); return o; })(await c.config('GET', '*')))));
  await c.set('int', 12); await c.set('emb', 'short'); await c.rpush('ol', 'a');
  await run('object', async () => [await c.object('ENCODING', 'int'), await c.object('ENCODING', 'emb'), await c.object('ENCODING', 'ol'), await c.object('ENCODING', 'h'), await c.object('ENCODING', 'nokey')]);
  await run('memory usage', async () => [(await c.memory('USAGE', 'emb')) > 0, await c.memory('USAGE', 'nokey')]);
  await run('type dbsize', async () => [await c.type('int'), await c.type('ol'), await c.type('z'), await c.type('nokey'), (await c.dbsize()) > 0]);
  await run('time lastsave', async () => { const t = await c.time(); return [t.length, Math.abs(Number(t[0]) - Date.now() / 1000) < 5, Math.abs((await c.lastsave()) - Date.now() / 1000) < 120]; });
  await run('slowlog', async () => {
    await c.config('SET', 'slowlog-log-slower-than', 0); await c.slowlog('RESET'); await c.set('slow', 'v');
    const e = (await c.slowlog('GET', 1))[0];
    await c.config('SET', 'slowlog-log-slower-than', 10000);
    return [e.length, e[3], e[5]];
  });
  await run('command count', async () => typeof (await c.command('COUNT')));
  await run('command info', () => c.command('INFO', 'get', 'set'));
  await run('xadd', async () => { const v = await errOf(() => c.xadd('stream', '*', 'f', 'v')); return typeof v === 'string' && /^\d+-\d+$/.test(v) ? '<stream id>' : v; });
  await run('unknown command', () => errOf(() => c.call('NOSUCHCMD', 'a')));
  await run('usable after errors', () => c.ping());
  await run('flushdb', async () => [await c.flushdb(), await c.dbsize()]);

  // many connections and concurrent commands
  await run('concurrency', async () => {
    const conns = Array.from({ length: 8 }, () => new Redis(opts({ enableAutoPipelining: true })));
    await Promise.all(conns.map((x) => Promise.all(Array.from({ length: 250 }, () => x.incr('ctr')))));
    conns.forEach((x) => x.disconnect());
    return c.get('ctr');
  });
  // replies ioredis passes through (or, in RESP3, flattens) that
  // applications read
  await ioParsed(c, other);
  all.forEach((x) => x.disconnect());
}

async function ioParsed(c, other) {
  const Redis = require('ioredis');
  await c.flushall();
  await run('hrandfield withvalues', async () => [await c.hset('hr1', 'f', 'v'), await c.hrandfield('hr1', 2, 'WITHVALUES'), await c.hrandfield('hr1', -2, 'WITHVALUES'), await c.hrandfield('nokey', 2, 'WITHVALUES')]);
  await run('zrandmember withscores', async () => [await c.zadd('zr1', 1.5, 'only'), await c.zrandmember('zr1', 1, 'WITHSCORES'), await c.zrandmember('zr1', -2, 'WITHSCORES'), await c.zrandmember('nokey', 2)]);
  await run('zset pair commands', async () => [await c.zadd('zw', 1, 'a', 2.5, 'b', 1e-5, 'c'), await c.zrevrange('zw', 0, -1, 'WITHSCORES'), await c.zrevrangebyscore('zw', '+inf', '-inf', 'WITHSCORES'),
    await c.zpopmax('zw', 2), await c.zpopmin('zw'), await c.zadd('zx', 1, 'a', 2, 'b'), await c.zunion(2, 'zx', 'zx', 'WITHSCORES'), await c.zinter(2, 'zx', 'zx', 'WEIGHTS', 1, 0.5, 'WITHSCORES'),
    await c.zdiff(2, 'zx', 'nokey', 'WITHSCORES'), await c.zrange('zx', '(1', '+inf', 'BYSCORE', 'WITHSCORES')]);
  await run('srandmember spop', async () => [await c.sadd('sr1', 'only'), await c.srandmember('sr1'), await c.srandmember('sr1', 3), await c.srandmember('sr1', -2), await c.spop('sr1', 0), await c.srandmember('nokey', 2)]);
  await run('lpos', async () => [await c.rpush('lp', ...'abcabcab'), await c.lpos('lp', 'b', 'RANK', -1), await c.lpos('lp', 'b', 'COUNT', 2, 'RANK', -1), await c.lpos('lp', 'c', 'MAXLEN', 2), await c.lpos('lp', 'z', 'COUNT', 0)]);
  await run('lmpop blmpop', async () => [await c.rpush('bl', 1, 2, 3), await c.lmpop(2, 'nokey', 'bl', 'RIGHT', 'COUNT', 2), await c.blmpop(1, 1, 'bl', 'LEFT', 'COUNT', 5), await timed(() => c.blmpop(0.1, 1, 'bl', 'LEFT'), 0.05, 2)]);
  await run('zmpop bzmpop bzpop', async () => [await c.zadd('bz', 1, 'a', 2.5, 'b', 3, 'c'), await c.zmpop(2, 'nokey', 'bz', 'MAX', 'COUNT', 2), await c.bzmpop(1, 1, 'bz', 'MIN', 'COUNT', 9),
    await timed(() => c.bzmpop(0.1, 1, 'bz', 'MIN'), 0.05, 2), await c.zadd('bp', 1.5, 'a', 2, 'b'), await c.bzpopmax('bp', 1), await c.bzpopmin('nokey', 'bp', 1)]);
  await run('zadd incr', async () => [await c.zadd('zi2', 'INCR', 1.5, 'a'), await c.zadd('zi2', 'XX', 'INCR', 1, 'b'), await c.zadd('zi2', 'GT', 'INCR', -1, 'a'), await c.zincrby('zi2', 0.25, 'a')]);
  await run('lcs', async () => [await c.mset('l1', 'ohmytext', 'l2', 'mynewtext'), await c.lcs('l1', 'l2'), await c.lcs('l1', 'l2', 'LEN'), await c.lcs('l1', 'l2', 'IDX', 'MINMATCHLEN', 4, 'WITHMATCHLEN')]);
  await run('sort_ro', async () => [await c.rpush('so', 3, 1, 2), await c.sort_ro('so'), await c.sort_ro('so', 'LIMIT', 0, 2, 'DESC'), await c.sort_ro('so', 'ALPHA')]);
  await run('memory stats', async () => memoryShape(await c.memory('STATS')));
  await run('latency histogram', async () => { await c.config('RESETSTAT'); await c.set('lh', 1); await c.set('lh', 2); await c.get('lh'); return histogramShape(await c.latency('HISTOGRAM', 'set', 'get')); });
  await run('latency latest', async () => { await c.config('SET', 'latency-monitor-threshold', 1); await c.call('DEBUG', 'SLEEP', '0.02');
    const l = await c.latency('LATEST'); const h = await c.latency('HISTORY', 'command'); await c.latency('RESET'); await c.config('SET', 'latency-monitor-threshold', 0);
    return [l.map((e) => [e[0], typeof e[1], e[2] >= 20]), h.map((e) => [typeof e[0], e[1] >= 20])]; });
  await run('role', async () => (await c.role()).slice(0, 3));
  await run('hello', async () => withoutIds(await c.hello(resp)));
  await run('function list', async () => [await c.function('LOAD', "#!lua name=plib\nredis.register_function{function_name='pf', callback=function() return 1 end, flags={'no-writes'}, description='d'}"),
    await c.function('LIST', 'WITHCODE', 'LIBRARYNAME', 'p*'), await c.fcall_ro('pf', 0), await c.function('STATS'), await c.function('DELETE', 'plib')]);
  await run('script exists', async () => [await c.script('LOAD', 'return 7'), await c.script('EXISTS', await c.script('LOAD', 'return 7'), 'f'.repeat(40))]);
  await run('object', async () => [await c.set('emb', 'short'), typeof (await c.object('REFCOUNT', 'emb')), typeof (await c.object('IDLETIME', 'emb')), await c.object('IDLETIME', 'nokey'), await c.object('FREQ', 'emb').catch((e) => e)]);
  await run('debug object', async () => { const d = await c.debug('OBJECT', 'emb'); return String(d).replace(/at:0x[0-9a-f]+ /, '').replace(/lru:\d+ lru_seconds_idle:\d+/, ''); });
  await run('command getkeys', async () => [await c.command('GETKEYS', 'EVAL', 'return 1', 2, 'k1', 'k2', 'a'), await c.command('GETKEYSANDFLAGS', 'LMOVE', 'a', 'b', 'LEFT', 'RIGHT')]);
  await run('config get', async () => [sorted(pairsOf(await c.config('GET', 'maxmemory-[ps]*'))), await c.config('GET', 'save'), await c.config('GET', 'nosuch')]);
  await run('client no-evict getredir', async () => [await c.client('NO-EVICT', 'on'), await c.client('NO-EVICT', 'off'), await c.client('GETREDIR'), await c.client('TRACKINGINFO')]);
  // sharded pub/sub
  const sub = new Redis({ port, host: '127.0.0.1', protocol: resp, maxRetriesPerRequest: 1, retryStrategy: () => null });
  const got = [];
  sub.on('smessage', (ch, m) => got.push(['smessage', ch, m]));
  await run('ssubscribe', () => sub.ssubscribe('sh1', 'sh2'));
  await run('shard numsub', async () => [await c.pubsub('SHARDNUMSUB', 'sh1', 'none'), (await c.pubsub('SHARDCHANNELS')).sort()]);
  await run('spublish', async () => [await c.spublish('sh1', 'hi'), await c.spublish('none', 'x')]);
  for (let i = 0; i < 100 && got.length < 1; i++) await sleep(10);
  await run('smessages', () => got);
  await run('sunsubscribe', () => sub.sunsubscribe());
  sub.disconnect();
  // MONITOR as ioredis parses it
  const mon = await c.monitor();
  const seen = [];
  mon.on('monitor', (time, args, source, database) => seen.push([typeof time, args, database]));
  await sleep(50);
  await other.set('mon', 'say "hi"');
  await other.get('mon');
  for (let i = 0; i < 100 && seen.length < 2; i++) await sleep(10);
  await run('monitor', () => seen.slice(0, 2));
  mon.disconnect();
  // keyPrefix applies to keys, scripts' KEYS too
  const pre = new Redis({ port, host: '127.0.0.1', protocol: resp, keyPrefix: 'app:', maxRetriesPerRequest: 1, retryStrategy: () => null });
  pre.defineCommand('getk', { numberOfKeys: 1, lua: 'return {KEYS[1], redis.call("get", KEYS[1])}' });
  await run('keyPrefix', async () => [await pre.set('k', 'v'), await pre.getk('k'), await c.get('app:k'), (await pre.keys('app:*')).sort(), await pre.mget('k', 'nokey')]);
  pre.disconnect();
}

// ---- node-redis ----

async function nodeRedis() {
  const { createClient, createClientPool, defineScript, RESP_TYPES } = require('redis');
  const make = async (extra, p = port) => {
    const cl = createClient({ socket: { port: p, host: '127.0.0.1', reconnectStrategy: false }, RESP: resp, ...extra });
    cl.on('error', () => {});
    await cl.connect();
    return cl;
  };
  const c = await make({
    name: 'node-redis-check',
    scripts: {
      bump: defineScript({
        NUMBER_OF_KEYS: 1,
        SCRIPT: "redis.call('incr', KEYS[1]); return {KEYS[1], ARGV[1], tonumber(redis.call('get', KEYS[1]))}",
        parseCommand(parser, key, arg) { parser.pushKey(key); parser.push(arg); },
        transformReply: undefined,
      }),
    },
  });
  const other = await make({});
  const bufs = c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  await run('connect ping', () => c.ping());
  await run('connect name', () => c.clientGetName());
  await run('client info fields', async () => clientFields(await c.sendCommand(['CLIENT', 'INFO'])));
  await run('client info values', async () => clientValues(await c.sendCommand(['CLIENT', 'INFO'])));
  await run('client list names', async () => clientValues(await c.sendCommand(['CLIENT', 'LIST'])).map((x) => x.name).sort());
  await run('clientList parsed', async () => (await c.clientList()).map((x) => Object.keys(x).filter((k) => k !== 'libName' && k !== 'libVer').sort()));
  await run('clientInfo parsed', async () => { const i = await c.clientInfo(); return [i.name, i.db, i.flags, i.cmd, i.resp]; });
  await c.flushAll();

  for (const [step, o] of [['auth ok', { password }], ['auth default user', { username: 'default', password }], ['auth wrong', { password: 'nope' }]]) {
    await run(step, async () => { const a = await make(o, authPort); try { return await a.set('a', 'b'); } finally { a.destroy(); } });
  }
  await run('auth none', async () => { const a = await make({}, authPort); try { return await a.set('a', 'b'); } finally { a.destroy(); } });
  await run('auth name db', async () => { const a = await make({ password, name: 'authed', database: 1 }, authPort); try { return [await a.clientGetName(), (await a.clientInfo()).db]; } finally { a.destroy(); } });

  // strings
  const bin = Buffer.alloc(768, 0).map((_, i) => i % 256);
  const binKey = Buffer.from('bin\x00key\xff', 'latin1');
  await run('binary', async () => [await c.set(binKey, bin), (await bufs.get(binKey)).equals(bin)]);
  const big = Buffer.concat([Buffer.alloc(1 << 20, 'x'), Buffer.from('end')]);
  await run('1MB', async () => { await c.set('big', big); const v = await bufs.get('big'); return [v.length, v.equals(big), await c.strLen('big')]; });
  await run('set options', async () => [await c.set('s', 'v1', { condition: 'NX' }), await c.set('s', 'v2', { NX: true }), await c.set('s', 'v3', { XX: true }),
    await c.set('s', 'v4', { GET: true }), await c.set('s', 'v5', { expiration: { type: 'EX', value: 100 }, GET: true }), await c.set('s', 'v6', { KEEPTTL: true }), (await c.ttl('s')) >= 99]);
  await run('ttl helpers', async () => [await c.expire('s', 50), await c.ttl('s'), await c.persist('s'), await c.ttl('s'), await c.pExpire('s', 60000),
    (await c.pTTL('s')) > 59000, await c.ttl('nokey'), await c.expire('s', 10, 'GT'), await c.expireTime('nokey')]);
  await run('incr', async () => [await c.incr('n'), await c.incrBy('n', 10), await c.decr('n'), await c.incrByFloat('f', 10.5), await c.incrByFloat('f', 0.1),
    await c.incrByFloat('f', 5e3), await c.incrByFloat('f2', 3), await errOf(() => c.incr('s'))]);
  await run('mset mget getdel getex', async () => [await c.mSet({ m1: 'a', m2: 'b' }), await c.mGet(['m1', 'nokey', 'm2']), await c.getDel('m1'), await c.getEx('m2', { type: 'EX', value: 30 }), await c.ttl('m2')]);

  // hashes
  await run('hset hgetall', async () => [await c.hSet('h', { a: 1, b: 'two', c: 3.5 }), await c.hGetAll('h'), await c.hGetAll('nokey')]);
  await run('hash ops', async () => [await c.hGet('h', 'a'), await c.hmGet('h', ['a', 'zz']), await c.hIncrBy('h', 'a', 5), await c.hIncrByFloat('h', 'c', 0.25),
    await c.hLen('h'), (await c.hKeys('h')).sort(), await c.hExists('h', 'a'), await c.hDel('h', ['a', 'zz']), await errOf(() => c.hGet('s', 'x'))]);

  // lists
  await run('list ops', async () => [await c.rPush('l', ['a', 'b', 'c']), await c.lPush('l', 'z'), await c.lRange('l', 0, -1), await c.lPopCount('l', 2), await c.rPop('l'),
    await c.lLen('l'), await c.lIndex('l', 0), await c.lPos('l', 'b'), await c.lMove('l', 'l2', 'LEFT', 'RIGHT')]);
  await run('blpop timeout', () => timed(() => c.blPop(['e1', 'e2'], 0.2), 0.15, 2));
  setTimeout(() => other.rPush('wake', 'w1'), 150);
  await run('blpop woken', () => timed(() => c.blPop('wake', 5), 0.1, 4));
  await run('brpop ready', async () => [await c.rPush('e2', ['x', 'y']), await c.brPop(['e1', 'e2'], 1)]);

  // sets
  await run('set ops', async () => [await c.sAdd('s1', ['a', 'b', 'c']), (await c.sMembers('s1')).sort(), await c.sIsMember('s1', 'a'), await c.smIsMember('s1', ['a', 'z']),
    await c.sCard('s1'), await c.sAdd('s2', 'b'), await c.sInter(['s1', 's2']), await c.sRem('s1', 'a'), await c.sPop('nokey')]);

  // sorted sets
  await run('zadd', async () => [await c.zAdd('z', [{ score: 1, value: 'a' }, { score: 2.5, value: 'b' }, { score: -3, value: 'c' }]),
    await c.zAdd('z', [{ score: 0, value: 'a' }, { score: 4, value: 'd' }], { condition: 'NX' }), await c.zAdd('z', { score: 10, value: 'a' }, { condition: 'XX', CH: true }),
    await c.zAdd('z', { score: 5, value: 'a' }, { comparison: 'GT', CH: true }), await c.zAddIncr('z', { score: 1, value: 'b' })]);
  await run('zrange withscores', async () => [await c.zRangeWithScores('z', 0, -1), await c.zRange('z', 0, 1, { REV: true }),
    await c.zRangeByScoreWithScores('z', '-inf', '+inf', { LIMIT: { offset: 1, count: 2 } }), await c.zRangeByScore('z', 0, 100, { LIMIT: { offset: 0, count: 1 } }),
    await c.zScore('z', 'b'), await c.zScore('z', 'nope'), await c.zIncrBy('z', 0.1, 'c'), await c.zmScore('z', ['a', 'nope'])]);
  await run('zset inf', async () => [await c.zAdd('zi', [{ score: -Infinity, value: 'lo' }, { score: Infinity, value: 'hi' }, { score: 1e300, value: 'big' }]),
    await c.zRangeWithScores('zi', 0, -1), await c.zPopMin('zi'), await c.zRank('zi', 'hi')]);

  // scans
  await c.mSet(Object.fromEntries(Array.from({ length: 300 }, (_, i) => ['scan:' + i, String(i)])));
  await c.hSet('hs', Object.fromEntries(Array.from({ length: 600 }, (_, i) => ['f' + i, String(i)])));
  await c.sAdd('ss', Array.from({ length: 600 }, (_, i) => 'm' + i));
  await c.zAdd('zs', Array.from({ length: 300 }, (_, i) => ({ score: i, value: 'm' + i })));
  const collect = async (it) => { const out = []; for await (const page of it) out.push(...page); return out; };
  await run('scanIterator', async () => (await collect(c.scanIterator({ MATCH: 'scan:1*', COUNT: 50 }))).sort());
  await run('hScanIterator', async () => (await collect(c.hScanIterator('hs', { COUNT: 100 }))).length);
  await run('sScanIterator', async () => new Set(await collect(c.sScanIterator('ss', { MATCH: 'm1*' }))).size);
  await run('zScanIterator', async () => (await collect(c.zScanIterator('zs'))).length);

  // pipelines and transactions
  await run('pipeline', () => errOf(() => c.multi().set('p', '1').incr('p').lPush('p', 'x').get('p').execAsPipeline()));
  await run('multi', () => errOf(() => c.multi().set('t', '1').incrByFloat('t', 0.5).lPush('t', 'x').get('t').exec()));
  await run('multi execabort', () => errOf(() => c.multi().set('t2', '1').addCommand(['SET', 'onlyonearg']).exec()));
  await run('multi after abort', () => c.get('t2'));
  await run('pipeline 10000', async () => {
    const res = await Promise.all([...Array.from({ length: 5000 }, (_, i) => c.set('k' + i, String(i))), ...Array.from({ length: 5000 }, (_, i) => c.get('k' + i))]);
    return [res.length, res.slice(5000).every((v, i) => v === String(i))];
  });
  await run('watch race', async () => {
    const iso = await c.duplicate().connect();
    try {
      await iso.watch('w');
      await other.set('w', 'changed');
      return [await errOf(() => iso.multi().set('w', 'mine').exec()), await c.get('w')];
    } finally { iso.destroy(); }
  });
  await run('watch no race', async () => {
    const iso = await c.duplicate().connect();
    try {
      await iso.watch('w2');
      return await iso.multi().set('w2', 'mine').exec();
    } finally { iso.destroy(); }
  });

  // pub/sub
  const sub = await make({});
  const got = [];
  await run('subscribe', () => sub.subscribe(['news', 'sport'], (m, ch) => got.push(['message', ch, m])));
  await run('psubscribe', () => sub.pSubscribe('n*', (m, ch) => got.push(['pmessage', ch, m])));
  await run('numsub', async () => [await c.pubSubNumSub(['news', 'none']), await c.pubSubNumPat(), (await c.pubSubChannels()).sort()]);
  await run('publish', async () => [await c.publish('news', 'hi'), await c.publish('sport', 'goal')]);
  for (let i = 0; i < 100 && got.length < 3; i++) await sleep(10);
  await run('messages', () => got);
  await run('unsubscribe', async () => [await sub.unsubscribe('sport'), await sub.pUnsubscribe(), await sub.unsubscribe()]);
  await run('numsub after', () => c.pubSubNumSub(['news']));
  sub.destroy();

  // scripting
  await run('script', () => c.bump('lk', 'x'));
  await run('script flush', () => c.scriptFlush());
  await run('script after flush', () => c.bump('lk', 'y'));
  await run('eval', async () => [await c.eval("return {1, 'two', 3.7, true, false}"), await errOf(() => c.eval("return redis.error_reply('mine')")),
    await errOf(() => c.eval("return redis.call('incr', KEYS[1])", { keys: ['h'] })), await errOf(() => c.evalSha('0'.repeat(40)))]);

  // server
  await run('info parses', async () => infoTypes(await c.info('everything'))[1]);
  keys('info fields', infoTypes(await c.info('everything'))[0]);
  keys('config get', configValues(await c.configGet('*')));
  await c.set('int', '12'); await c.set('emb', 'short'); await c.rPush('ol', 'a');
  await run('object', async () => [await c.objectEncoding('int'), await c.objectEncoding('emb'), await c.objectEncoding('ol'), await c.objectEncoding('h'), await c.objectEncoding('nokey')]);
  await run('memory usage', async () => [(await c.memoryUsage('emb')) > 0, await c.memoryUsage('nokey')]);
  await run('type dbsize', async () => [await c.type('int'), await c.type('ol'), await c.type('z'), await c.type('nokey'), (await c.dbSize()) > 0]);
  await run('time lastsave', async () => { const t = await c.time(); return [Array.isArray(t) ? t.length : typeof t, Math.abs(Number(Array.isArray(t) ? t[0] : t.getTime() / 1000) - Date.now() / 1000) < 5, Math.abs(Number(await c.lastSave()) - Date.now() / 1000) < 120]; });
  await run('command count', async () => typeof (await c.commandCount()));
  await run('command info', () => c.commandInfo(['get', 'set']));
  await run('xadd', async () => { const v = await errOf(() => c.xAdd('stream', '*', { f: 'v' })); return typeof v === 'string' && /^\d+-\d+$/.test(v) ? '<stream id>' : v; });
  await run('unknown command', () => errOf(() => c.sendCommand(['NOSUCHCMD', 'a'])));
  await run('usable after errors', () => c.ping());
  await run('flushdb', async () => [await c.flushDb(), await c.dbSize()]);

  // a pool of connections
  await run('pool', async () => {
    const pool = createClientPool({ socket: { port, host: '127.0.0.1' }, RESP: resp }, { minimum: 2, maximum: 8 });
    pool.on('error', () => {});
    await pool.connect();
    await Promise.all(Array.from({ length: 2000 }, () => pool.incr('ctr')));
    const blocked = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.blPop('bp' + i, 0.1)));
    const v = await pool.get('ctr');
    pool.destroy();
    return [v, blocked];
  });
  await nrParsed(c);
  c.destroy();
  other.destroy();
}

async function nrParsed(c) {
  await c.flushAll();
  await run('hRandFieldCountWithValues', async () => [await c.hSet('hr1', 'f', 'v'), await c.hRandFieldCountWithValues('hr1', 2), await c.hRandFieldCountWithValues('hr1', -2), await c.hRandFieldCountWithValues('nokey', 2)]);
  await run('zRandMemberCountWithScores', async () => [await c.zAdd('zr1', { score: 1.5, value: 'only' }), await c.zRandMemberCountWithScores('zr1', 1), await c.zRandMemberCountWithScores('zr1', -2)]);
  await run('withscores variants', async () => [await c.zAdd('zx', [{ score: 1, value: 'a' }, { score: 2, value: 'b' }]), await c.zUnionWithScores(['zx', 'zx']), await c.zInterWithScores([{ key: 'zx', weight: 1 }, { key: 'zx', weight: 0.5 }]),
    await c.zDiffWithScores(['zx', 'nokey']), await c.zPopMaxCount('zx', 2), await c.zPopMinCount('zx', 1)]);
  await run('sRandMemberCount lPosCount', async () => [await c.sAdd('sr1', 'only'), await c.sRandMember('sr1'), await c.sRandMemberCount('sr1', -2), await c.rPush('lp', [...'abcabcab']),
    await c.lPos('lp', 'b', { RANK: -1 }), await c.lPosCount('lp', 'b', 2, { RANK: -1 }), await c.lPos('lp', 'c', { MAXLEN: 2 }), await c.lPosCount('lp', 'z', 0)]);
  await run('lmPop blmPop', async () => [await c.rPush('bl', ['1', '2', '3']), await c.lmPop(['nokey', 'bl'], 'RIGHT', { COUNT: 2 }), await c.blmPop(1, 'bl', 'LEFT', { COUNT: 5 }), await timed(() => c.blmPop(0.1, 'bl', 'LEFT'), 0.05, 2)]);
  await run('zmPop bzmPop bzPop', async () => [await c.zAdd('bz', [{ score: 1, value: 'a' }, { score: 2.5, value: 'b' }, { score: 3, value: 'c' }]), await c.zmPop(['nokey', 'bz'], 'MAX', { COUNT: 2 }),
    await c.bzmPop(1, 'bz', 'MIN', { COUNT: 9 }), await timed(() => c.bzmPop(0.1, 'bz', 'MIN'), 0.05, 2),
    await c.zAdd('bp', [{ score: 1.5, value: 'a' }, { score: 2, value: 'b' }]), await c.bzPopMax('bp', 1), await c.bzPopMin(['nokey', 'bp'], 1)]);
  await run('lcsIdx', async () => [await c.mSet({ l1: 'ohmytext', l2: 'mynewtext' }), await c.lcs('l1', 'l2'), await c.lcsLen('l1', 'l2'), await c.lcsIdx('l1', 'l2'), await c.lcsIdxWithMatchLen('l1', 'l2', { MINMATCHLEN: 4 })]);
  await run('sortRo', async () => [await c.rPush('so', ['3', '1', '2']), await c.sortRo('so'), await c.sortRo('so', { LIMIT: { offset: 0, count: 2 }, DIRECTION: 'DESC' })]);
  await run('memoryStats', async () => memoryShape(await c.memoryStats()));
  await run('latencyHistogram', async () => { await c.configResetStat(); await c.set('lh', '1'); await c.set('lh', '2'); await c.get('lh'); return histogramShape(await c.latencyHistogram('set', 'get')); });
  await run('latencyLatest', async () => { await c.configSet('latency-monitor-threshold', '1'); await c.sendCommand(['DEBUG', 'SLEEP', '0.02']);
    const l = await c.latencyLatest(); const h = await c.latencyHistory('command'); await c.latencyReset(); await c.configSet('latency-monitor-threshold', '0');
    return [l.map((e) => [e[0], typeof e[1], e[2] >= 20]), h.map((e) => [typeof e[0], e[1] >= 20])]; });
  await run('role', async () => { const r = await c.role(); return [r.role, typeof r.replicationOffest, r.replicas]; });
  await run('hello', async () => withoutIds(await c.hello(resp)));
  await run('functionList', async () => [await c.functionLoad("#!lua name=plib\nredis.register_function{function_name='pf', callback=function() return 1 end, flags={'no-writes'}, description='d'}"),
    await c.functionList({ LIBRARYNAME: 'p*' }), sorted(await c.functionListWithCode()), await c.fCallRo('pf'), await c.functionStats(), await c.functionDelete('plib')]);
  await run('scriptExists', async () => [await c.scriptLoad('return 7'), await c.scriptExists([await c.scriptLoad('return 7'), 'f'.repeat(40)])]);
  await run('object', async () => [await c.set('emb', 'short'), typeof (await c.objectRefCount('emb')), typeof (await c.objectIdleTime('emb')), await c.objectIdleTime('nokey'), await errOf(() => c.objectFreq('emb'))]);
  await run('command getkeys', async () => [await c.commandGetKeys(['EVAL', 'return 1', '2', 'k1', 'k2', 'a']), await c.commandGetKeysAndFlags(['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'])]);
  await run('commandDocs some', () => c.commandDocs(['get', 'client|kill', 'set']));
  await run('configGet', async () => [await c.configGet('maxmemory-[ps]*'), await c.configGet('save'), await c.configGet('nosuch')]);
  await run('clientNoEvict', async () => [await c.clientNoEvict(true), await c.clientNoEvict(false), await c.sendCommand(['CLIENT', 'GETREDIR']), await c.sendCommand(['CLIENT', 'TRACKINGINFO'])]);
  const sub = c.duplicate();
  sub.on('error', () => {});
  await sub.connect();
  const got = [];
  await run('sSubscribe', () => sub.sSubscribe(['sh1', 'sh2'], (m, ch) => got.push(['smessage', ch, m])));
  await run('pubSubShardNumSub', async () => [await c.pubSubShardNumSub(['sh1', 'none']), (await c.pubSubShardChannels()).sort()]);
  await run('sPublish', async () => [await c.sPublish('sh1', 'hi'), await c.sPublish('none', 'x')]);
  for (let i = 0; i < 100 && got.length < 1; i++) await sleep(10);
  await run('smessages', () => got);
  await run('sUnsubscribe', () => sub.sUnsubscribe());
  sub.destroy();
}

(async () => {
  emit('client', 'eq', JSON.stringify(args.client + ' resp' + resp));
  if (args.client === 'ioredis') await ioredis();
  else await nodeRedis();
  process.exit(0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
