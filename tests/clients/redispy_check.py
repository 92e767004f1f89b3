"""Drive a server with redis-py the way applications do, and print what the
client returned, one step a line, for clients_test.go to compare with the
same script's output against redis-server.

Each line is STEP<TAB>MODE<TAB>PAYLOAD:

  eq    PAYLOAD is the repr of what the client returned (normalised where
        Redis itself is not deterministic); both servers must print the same.
  keys  PAYLOAD is a JSON object; the keys both servers print must carry the
        same values, and keys only one prints are listed (INFO fields,
        CONFIG parameters and commands Shoal does not have).

An exception a step raises is its result ("!ResponseError: ..."), so a
server that answers differently shows up as a different line, not a crash.

Usage: python3 redispy_check.py --port P --auth-port A --password PW
"""

import argparse
import json
import re
import sys
import threading
import time

import redis

STREAM_ID = re.compile(rb"^\d+-\d+$")



def run_threads(target, n):
    """Runs target(0) ... target(n-1) on threads of their own, all at once, and waits for them."""
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

def canon(v):
    """canon returns v with the order Redis does not promise taken out:
    dicts by key, sets sorted, recursively."""
    if isinstance(v, dict):
        return {k: canon(v[k]) for k in sorted(v, key=repr)}
    if isinstance(v, (set, frozenset)):
        return ("set", sorted((canon(x) for x in v), key=repr))
    if isinstance(v, list):
        return [canon(x) for x in v]
    if isinstance(v, tuple):
        return tuple(canon(x) for x in v)
    return v


def emit(step, mode, payload):
    payload = payload.replace("\t", "\\t").replace("\n", "\\n")
    sys.stdout.write(f"{step}\t{mode}\t{payload}\n")
    sys.stdout.flush()


def rec(step, value):
    emit(step, "eq", repr(canon(value)))


def keys(step, mapping):
    emit(step, "keys", json.dumps({str(k): str(v) for k, v in mapping.items()}, sort_keys=True))


def err(e):
    return f"!{type(e).__name__}: {e}"


def run(step, fn):
    """run records what fn returns, or the exception it raises."""
    try:
        v = fn()
    except Exception as e:  # the error is the result
        emit(step, "eq", err(e))
        return None
    rec(step, v)
    return v


def typename(v):
    if isinstance(v, dict):
        return "dict(" + ",".join(f"{k}:{typename(x)}" for k, x in sorted(v.items())) + ")"
    return type(v).__name__


def connect(args):
    r = redis.Redis(port=args.port, socket_timeout=10)
    run("connect ping", r.ping)
    named = redis.Redis(port=args.port, client_name="redispy-check", socket_timeout=10)
    run("connect client_name", named.client_getname)
    run("connect client_name in list", lambda: [c["name"] for c in clients(named.client_list()) if c["name"]])
    named.close()
    dec = redis.Redis(port=args.port, db=2, decode_responses=True, socket_timeout=10)
    run("connect db=2 decode", lambda: (dec.set("d", "é"), dec.get("d"), dec.client_info()["db"]))
    dec.flushdb()
    dec.close()
    run("connect url", lambda: redis.Redis.from_url(f"redis://127.0.0.1:{args.port}/3").echo("hi"))
    run("hello 2 raw", lambda: sorted(k for k in r.execute_command("HELLO", "2")[::2]))
    return r


def auth(args):
    pw, port = args.password, args.auth_port
    run("auth ok", lambda: redis.Redis(port=port, password=pw).ping())
    run("auth default user", lambda: redis.Redis(port=port, username="default", password=pw).ping())
    run("auth wrong", lambda: redis.Redis(port=port, password="nope").ping())
    run("auth wrong user", lambda: redis.Redis(port=port, username="bob", password=pw).ping())
    run("auth none", lambda: redis.Redis(port=port).ping())
    run("auth none set", lambda: redis.Redis(port=port).set("a", "b"))
    c = redis.Redis(port=port, password=pw, client_name="authed", db=1)
    run("auth name db", lambda: (c.client_getname(), c.client_info()["db"]))
    run("auth pipeline", lambda: c.pipeline().set("k", "v").get("k").execute())
    p = c.pubsub()
    p.subscribe("ch")
    run("auth pubsub", lambda: p.get_message(timeout=2))
    p.close()
    run("auth no password given to passwordless", lambda: redis.Redis(port=args.port, password="x").ping())


def strings(r):
    binary = bytes(range(256)) * 3
    run("set binary", lambda: r.set(b"bin\x00key\xff", binary))
    run("get binary", lambda: r.get(b"bin\x00key\xff") == binary)
    big = b"x" * (1 << 20) + b"end"
    run("set 1MB", lambda: r.set("big", big))
    run("get 1MB", lambda: (lambda v: (len(v), v[-3:], v == big))(r.get("big")))
    run("strlen 1MB", lambda: r.strlen("big"))
    run("getrange 1MB", lambda: r.getrange("big", -5, -1))
    run("set options", lambda: [
        r.set("s", "v1", nx=True), r.set("s", "v2", nx=True), r.set("s", "v3", xx=True),
        r.set("nx", "v", xx=True), r.set("s", "v4", get=True), r.set("s", "v5", ex=100, get=True),
        r.set("s", "v6", keepttl=True),
    ])
    run("ttl kept", lambda: 98 <= r.ttl("s") <= 100)
    run("set px", lambda: (r.set("p", 1, px=100000), 99000 <= r.pttl("p") <= 100000))
    run("setex psetex", lambda: (r.setex("se", 50, "v"), r.psetex("pse", 50000, "v"), r.ttl("se"), 49000 <= r.pttl("pse") <= 50000))
    run("ttl missing persistent", lambda: (r.ttl("nokey"), r.pttl("nokey"), r.ttl("big"), r.pttl("big")))
    run("expire helpers", lambda: [
        r.expire("s", 200), r.expire("s", 100, gt=True), r.expire("s", 300, gt=True),
        r.expire("s", 500, nx=True), r.expire("s", 50, lt=True), r.ttl("s"),
        r.persist("s"), r.persist("s"), r.ttl("s"),
        r.pexpire("s", 60000), 59000 <= r.pttl("s") <= 60000,
        r.expireat("s", int(time.time()) + 1000), 998 <= r.ttl("s") <= 1000,
        r.pexpireat("s", int(time.time() * 1000) + 1000000), 998 <= r.ttl("s") <= 1000,
        r.expire("nokey", 10),
    ])
    run("expiretime", lambda: (abs(r.expiretime("s") - (int(time.time()) + 1000)) <= 2, r.expiretime("big"), r.expiretime("nokey")))
    run("getex", lambda: (r.getex("s", ex=30), r.ttl("s"), r.getex("s", persist=True), r.ttl("s"), r.getex("nokey")))
    run("mset mget", lambda: (r.mset({"m1": "a", "m2": b"\xff", "m3": 3}), r.mget("m1", "m2", "nokey", "m3")))
    run("msetnx", lambda: (r.msetnx({"m1": "x", "m9": "y"}), r.msetnx({"m8": "x", "m9": "y"})))
    run("getset getdel append", lambda: (r.getset("m1", "b"), r.getdel("m1"), r.getdel("m1"), r.append("ap", "ab"), r.append("ap", "cd"), r.get("ap")))
    run("setrange getrange", lambda: (r.setrange("sr", 5, "hi"), r.get("sr"), r.getrange("sr", 0, -1), r.substr("sr", 5, 6)))
    run("incr family", lambda: [
        r.incr("n"), r.incrby("n", 10), r.decr("n"), r.decrby("n", 5), r.incr("n", -1),
        r.incrbyfloat("f", 10.5), r.incrbyfloat("f", 0.1), r.incrbyfloat("f", -5), r.incrbyfloat("f", 5.0e3),
        r.get("f"), r.incrbyfloat("f2", 3), r.get("f2"), r.incrbyfloat("f3", 1e20), r.get("f3"),
        r.incrbyfloat("f4", "1.5e-5"), r.incrbyfloat("f4", 0.3),
    ])
    run("incr errors", lambda: [err_of(lambda: r.incr("ap")), err_of(lambda: r.incrbyfloat("ap", 1)),
                                err_of(lambda: r.incrbyfloat("f", "abc")), err_of(lambda: r.incr("n", 2**63))])
    r.set("n", 2**63 - 1)
    run("incr overflow", lambda: err_of(lambda: r.incr("n")))
    run("setnx exists delete", lambda: (r.setnx("sn", 1), r.setnx("sn", 2), r.exists("sn", "sn", "nokey"), r.delete("sn", "nokey"), r.unlink("ap"), r.touch("m2", "nokey")))
    run("rename copy", lambda: (r.rename("m2", "m2b"), r.renamenx("m2b", "m3"), r.copy("m3", "m4"), r.copy("m3", "m4"), r.copy("m3", "m4", replace=True), r.get("m4"), err_of(lambda: r.rename("nokey", "x"))))
    run("bits", lambda: (r.setbit("b", 7, 1), r.getbit("b", 7), r.bitcount("b"), r.bitpos("b", 1), r.get("b"),
                         r.bitop("NOT", "bn", "b"), r.get("bn"), r.bitfield("bf").set("u8", 0, 200).incrby("u8", 0, 100).get("i8", 0).execute()))
    run("lcs", lambda: (r.set("l1", "ohmytext"), r.set("l2", "mynewtext"), r.lcs("l1", "l2"), r.lcs("l1", "l2", len=True)))
    run("type", lambda: [r.type(k) for k in ("big", "nokey", "n")])
    run("randomkey keys", lambda: (r.randomkey() is not None, sorted(r.keys("m*"))))
    run("dump restore", lambda: (r.restore("rs", 0, r.dump("m3")), r.get("rs"), r.dump("nokey"), err_of(lambda: r.restore("rs", 0, r.dump("m3"))), r.restore("rs", 5000, r.dump("m4"), replace=True), 4000 <= r.pttl("rs") <= 5000))


def err_of(fn):
    try:
        return fn()
    except Exception as e:
        return err(e)


def hashes(r):
    run("hset mapping", lambda: r.hset("h", mapping={"a": 1, "b": "two", b"\xff": b"\x00"}))
    run("hset key value", lambda: (r.hset("h", "c", 3.5), r.hset("h", "c", 4), r.hsetnx("h", "c", 1), r.hsetnx("h", "d", 1)))
    run("hgetall", lambda: r.hgetall("h"))
    run("hgetall missing", lambda: r.hgetall("nokey"))
    run("hget hmget", lambda: (r.hget("h", "a"), r.hget("h", "z"), r.hmget("h", ["a", "z", "c"]), r.hmget("h", "a", "b")))
    run("hincr", lambda: (r.hincrby("h", "a", 5), r.hincrbyfloat("h", "c", 0.5), r.hincrbyfloat("h", "n", "1e3"), err_of(lambda: r.hincrby("h", "b", 1))))
    run("hkeys hvals hlen", lambda: (sorted(r.hkeys("h")), sorted(r.hvals("h")), r.hlen("h"), r.hexists("h", "a"), r.hexists("h", "q"), r.hstrlen("h", "b")))
    run("hrandfield", lambda: (r.hrandfield("h") in r.hkeys("h"), len(r.hrandfield("h", 3)), len(r.hrandfield("h", -10)), len(r.hrandfield("h", 2, withvalues=True)), r.hrandfield("nokey")))
    run("hdel", lambda: (r.hdel("h", "a", "zz"), r.hlen("h")))
    run("hmset", lambda: (r.hmset("h2", {"x": 1}), r.hgetall("h2")))
    big = {f"field{i}": i for i in range(600)}
    run("hset big", lambda: r.hset("hbig", mapping=big))
    run("hgetall big", lambda: r.hgetall("hbig") == {k.encode(): str(v).encode() for k, v in big.items()})
    run("hash wrongtype", lambda: (r.set("str", "v"), err_of(lambda: r.hget("str", "a"))))


def lists(r):
    run("push", lambda: (r.rpush("l", "a", "b", "c"), r.lpush("l", "z"), r.rpushx("l", "d"), r.lpushx("nokey", "x")))
    run("lrange", lambda: (r.lrange("l", 0, -1), r.lrange("l", 1, 2), r.lrange("l", 10, 20), r.lrange("nokey", 0, -1)))
    run("lpop rpop count", lambda: (r.lpop("l"), r.rpop("l"), r.lpop("l", 2), r.lpop("nokey"), r.lpop("nokey", 2), r.lrange("l", 0, -1)))
    run("lindex lset linsert", lambda: (r.rpush("l2", *"abcde"), r.lindex("l2", 1), r.lindex("l2", 99), r.lset("l2", 0, "A"), err_of(lambda: r.lset("l2", 99, "x")),
                                       r.linsert("l2", "before", "c", "X"), r.linsert("l2", "after", "nope", "Y"), r.lrange("l2", 0, -1)))
    run("llen lrem ltrim lpos", lambda: (r.rpush("l3", *"abacada"), r.llen("l3"), r.lpos("l3", "a"), r.lpos("l3", "a", rank=2), r.lpos("l3", "a", count=0),
                                         r.lpos("l3", "q"), r.lrem("l3", 2, "a"), r.ltrim("l3", 1, -2), r.lrange("l3", 0, -1)))
    run("lmove rpoplpush", lambda: (r.rpoplpush("l2", "l4"), r.lmove("l2", "l4", "LEFT", "RIGHT"), r.lrange("l4", 0, -1), r.rpoplpush("nokey", "l4")))
    run("lmpop", lambda: (r.lmpop(2, "nokey", "l2", direction="LEFT", count=2), r.lmpop(1, "nokey", direction="RIGHT")))
    run("blpop timeout", lambda: timed(lambda: r.blpop(["e1", "e2"], timeout=1), 0.9, 3))
    run("blpop float timeout", lambda: timed(lambda: r.blpop("e1", timeout=0.2), 0.15, 2))
    run("brpop ready", lambda: (r.rpush("e2", "x", "y"), r.brpop(["e1", "e2"], timeout=1)))
    run("blmove timeout", lambda: timed(lambda: r.blmove("e1", "e3", 0.1, "LEFT", "RIGHT"), 0.05, 2))
    run("brpoplpush ready", lambda: r.brpoplpush("e2", "e3", timeout=1))
    other = redis.Redis(port=r.connection_pool.connection_kwargs["port"])
    t = threading.Timer(0.2, lambda: other.rpush("wake", "w1", "w2"))
    t.start()
    run("blpop woken", lambda: timed(lambda: r.blpop("wake", timeout=5), 0.1, 4))
    t.join()
    run("blpop leftover", lambda: r.lrange("wake", 0, -1))
    t = threading.Timer(0.2, lambda: other.zadd("wz", {"m": 2.5}))
    t.start()
    run("bzpopmin woken", lambda: timed(lambda: r.bzpopmin("wz", timeout=5), 0.1, 4))
    t.join()
    run("bzpopmax timeout", lambda: timed(lambda: r.bzpopmax(["wz"], timeout=0.1), 0.05, 2))
    other.close()
    run("list wrongtype", lambda: (r.set("str", "v"), err_of(lambda: r.lpush("str", "x"))))
    run("list big", lambda: (r.rpush("lbig", *range(1000)), r.llen("lbig"), r.lrange("lbig", 500, 502), r.lindex("lbig", -1)))


def timed(fn, lo, hi):
    """timed returns what fn returned and whether it took between lo and hi
    seconds."""
    start = time.monotonic()
    v = fn()
    took = time.monotonic() - start
    return v, lo <= took <= hi


def sets(r):
    run("sadd smembers", lambda: (r.sadd("s1", "a", "b", "c", "a"), r.smembers("s1"), r.smembers("nokey")))
    run("set ops", lambda: (r.sadd("s2", "b", "c", "d"), r.sinter("s1", "s2"), r.sunion("s1", "s2"), r.sdiff("s1", "s2"),
                            r.sinterstore("s3", ["s1", "s2"]), r.smembers("s3"), r.sunionstore("s4", "s1", "s2"), r.sdiffstore("s5", ["s2", "s1"]), r.sintercard(2, ["s1", "s2"])))
    run("sismember", lambda: (r.sismember("s1", "a"), r.sismember("s1", "z"), r.smismember("s1", ["a", "z", "b"]), r.scard("s1"), r.scard("nokey")))
    run("srem smove", lambda: (r.srem("s1", "a", "zz"), r.smove("s1", "s2", "b"), r.smove("s1", "s2", "nope"), r.smembers("s1"), r.smembers("s2")))
    run("spop srandmember", lambda: (r.sadd("s6", *range(10)), r.spop("s6") is not None, len(r.spop("s6", 3)), r.scard("s6"),
                                     r.srandmember("s6") is not None, len(r.srandmember("s6", 4)), len(r.srandmember("s6", -20)), r.spop("nokey"), r.srandmember("nokey")))
    run("intset encoding", lambda: (r.sadd("si", 1, 2, 3), r.object("encoding", "si"), r.sadd("si", "x"), r.object("encoding", "si")))


def zsets(r):
    run("zadd", lambda: (r.zadd("z", {"a": 1, "b": 2.5, "c": -3}), r.zadd("z", {"a": 5}, ch=True), r.zadd("z", {"a": 0, "d": 4}, nx=True),
                         r.zadd("z", {"a": 10, "e": 4}, xx=True), r.zadd("z", {"a": 11}, gt=True, ch=True), r.zadd("z", {"a": 20}, lt=True, ch=True),
                         r.zadd("z", {"b": 1}, incr=True), r.zadd("z", {"b": 1}, incr=True, nx=True), err_of(lambda: r.zadd("z", {"a": 1}, nx=True, xx=True))))
    run("zrange withscores", lambda: (r.zrange("z", 0, -1, withscores=True), r.zrange("z", 0, 1, desc=True, withscores=True), r.zrange("z", 0, -1, withscores=True, score_cast_func=str)))
    run("zrangebyscore limits", lambda: (r.zrangebyscore("z", "-inf", "+inf", start=1, num=2, withscores=True), r.zrangebyscore("z", "(-3", 5),
                                         r.zrevrangebyscore("z", 100, 0, start=0, num=1), r.zrangebyscore("z", 0, 100, start=5, num=10)))
    run("zrange byscore bylex", lambda: (r.zrange("z", 0, 100, byscore=True, offset=0, num=1), r.zadd("zl", {"a": 0, "b": 0, "c": 0}),
                                         r.zrange("zl", "[a", "(c", bylex=True), r.zrangebylex("zl", "-", "+", start=1, num=1), r.zrevrangebylex("zl", "+", "[b"), r.zlexcount("zl", "-", "+")))
    run("zscore zmscore", lambda: (r.zscore("z", "b"), r.zscore("z", "nope"), r.zmscore("z", ["a", "nope", "c"]), r.zincrby("z", 0.1, "c"), r.zincrby("z", 0.2, "c")))
    run("zrank zcount zcard", lambda: (r.zrank("z", "a"), r.zrevrank("z", "a"), r.zrank("z", "nope"), r.zcount("z", 0, 5), r.zcount("z", "(0", "+inf"), r.zcard("z")))
    run("inf scores", lambda: (r.zadd("zi", {"lo": float("-inf"), "hi": float("inf"), "big": 1e300, "tiny": 5e-324, "p": 0.1 + 0.2}), r.zrange("zi", 0, -1, withscores=True), r.zscore("zi", "hi")))
    run("zpop", lambda: (r.zpopmin("z"), r.zpopmax("z", 2), r.zpopmin("nokey"), r.zrange("z", 0, -1, withscores=True)))
    run("zstore", lambda: (r.zadd("za", {"x": 1, "y": 2}), r.zadd("zb", {"y": 3, "z": 4}), r.zunionstore("zu", ["za", "zb"]), r.zrange("zu", 0, -1, withscores=True),
                           r.zinterstore("zn", {"za": 2, "zb": 3}, aggregate="MAX"), r.zrange("zn", 0, -1, withscores=True),
                           r.zunion(["za", "zb"], withscores=True), r.zinter(["za", "zb"]), r.zdiff(["za", "zb"], withscores=True), r.zrangestore("zrs", "za", 0, 0), r.zrange("zrs", 0, -1)))
    run("zrem", lambda: (r.zrem("za", "x", "nope"), r.zremrangebyscore("zb", 0, 3), r.zremrangebyrank("zu", 0, 0), r.zremrangebylex("zl", "[a", "[b")))
    run("zrandmember", lambda: (r.zrandmember("zu") is not None, len(r.zrandmember("zu", 5)), len(r.zrandmember("zu", -5, withscores=True)), r.zrandmember("nokey")))
    run("zmpop", lambda: (r.zmpop(2, ["nokey", "zi"], min=True, count=2), r.zmpop(1, ["nokey"], max=True)))
    run("zset encoding", lambda: (r.object("encoding", "z"), r.zadd("zbig", {f"m{i}": i for i in range(200)}), r.object("encoding", "zbig"), r.zcard("zbig")))


def scans(r):
    r.flushdb()
    r.mset({f"scan:{i}": i for i in range(300)})
    r.sadd("scanset", *range(5))
    r.hset("scanhash", mapping={"a": 1})
    run("scan_iter match", lambda: sorted(r.scan_iter(match="scan:1*", count=50)))
    run("scan_iter all", lambda: len(set(r.scan_iter())))
    run("scan_iter type", lambda: sorted(r.scan_iter(_type="set")))
    run("scan first page", lambda: (lambda c, ks: (c >= 0, len(set(ks)) <= 300))(*r.scan(0, count=10)))
    r.hset("hs", mapping={f"f{i}": i for i in range(5)})
    r.hset("hsbig", mapping={f"f{i}": i for i in range(1000)})
    run("hscan_iter small", lambda: sorted(r.hscan_iter("hs")))
    run("hscan_iter match", lambda: sorted(r.hscan_iter("hs", match="f[12]")))
    run("hscan_iter big", lambda: len(dict(r.hscan_iter("hsbig", count=100))))
    run("hscan page", lambda: r.hscan("hs", 0))
    r.sadd("ss", *range(10))
    r.sadd("ssbig", *[f"m{i}" for i in range(1000)])
    run("sscan_iter intset", lambda: sorted(r.sscan_iter("ss")))
    run("sscan_iter big", lambda: len(set(r.sscan_iter("ssbig", match="m1*"))))
    r.zadd("zs", {f"m{i}": i / 2 for i in range(10)})
    r.zadd("zsbig", {f"m{i}": i for i in range(500)})
    run("zscan_iter small", lambda: sorted(r.zscan_iter("zs")))
    run("zscan_iter big", lambda: len(dict(r.zscan_iter("zsbig", count=50))))
    run("zscan_iter cast", lambda: sorted(r.zscan_iter("zs", match="m[13]", score_cast_func=str)))
    run("scan missing", lambda: (r.hscan("nokey", 0), r.sscan("nokey", 0), r.zscan("nokey", 0)))


def pipelines(r):
    r.flushdb()
    p = r.pipeline(transaction=False)
    p.set("a", 1).incr("a").get("a").hset("h", "f", "v").hgetall("h").lpush("a", "x").zadd("z", {"m": 1}).zrange("z", 0, -1, withscores=True)
    run("pipeline no tx errors", lambda: [err(x) if isinstance(x, Exception) else x for x in p.execute(raise_on_error=False)])
    p = r.pipeline(transaction=False)
    p.set("a", 1).lpush("a", "x").get("a")
    run("pipeline no tx raise", lambda: p.execute())
    p = r.pipeline()
    p.set("t", 1).incrbyfloat("t", 0.5).get("t").lpush("t", "x").sadd("ts", "a").smembers("ts")
    run("pipeline tx", lambda: [err(x) if isinstance(x, Exception) else x for x in p.execute(raise_on_error=False)])
    p = r.pipeline()
    p.set("t2", 1).execute_command("SET", "onlyonearg").get("t2")
    run("pipeline tx execabort", lambda: p.execute())
    run("pipeline tx after abort", lambda: r.get("t2"))
    p = r.pipeline()
    run("pipeline empty", lambda: p.execute())
    p = r.pipeline(transaction=False)
    for i in range(5000):
        p.set(f"k{i}", i)
    for i in range(5000):
        p.get(f"k{i}")
    run("pipeline 10000", lambda: (lambda res: (len(res), all(x is True for x in res[:5000]), [int(x) for x in res[5000:]] == list(range(5000))))(p.execute()))
    p = r.pipeline(transaction=True)
    for i in range(10000):
        p.incr("tx10k")
    run("pipeline tx 10000", lambda: (lambda res: (len(res), res[-1]))(p.execute()))
    run("dbsize after pipelines", r.dbsize)


def transactions(r, port):
    r.set("acct", 10)

    def debit(pipe):
        v = int(pipe.get("acct"))
        pipe.multi()
        pipe.set("acct", v - 3)
        pipe.get("acct")

    run("transaction helper", lambda: r.transaction(debit, "acct"))
    run("transaction value_from_callable", lambda: r.transaction(lambda p: int(p.get("acct")), "acct", value_from_callable=True))
    other = redis.Redis(port=port)
    attempts = []

    def racy(pipe):
        attempts.append(1)
        v = int(pipe.get("acct"))
        if len(attempts) == 1:
            other.incr("acct")  # another client changes the watched key
        pipe.multi()
        pipe.set("acct", v * 2)

    run("transaction retries after race", lambda: (r.transaction(racy, "acct"), len(attempts), r.get("acct")))
    with r.pipeline() as pipe:
        pipe.watch("w")
        other.set("w", "changed")
        pipe.multi()
        pipe.set("w", "mine")
        run("watch error", pipe.execute)
    run("watch error value", lambda: r.get("w"))
    with r.pipeline() as pipe:
        pipe.watch("w2")
        pipe.multi()
        pipe.set("w2", "mine")
        run("watch no race", pipe.execute)
    with r.pipeline() as pipe:
        pipe.watch("w3")
        run("watch immediate get", lambda: pipe.get("w3"))
        pipe.unwatch()
        run("unwatch reset", lambda: pipe.execute())
    other.set("exp", "v", px=50)
    with r.pipeline() as pipe:
        pipe.watch("exp")
        time.sleep(0.15)
        pipe.multi()
        pipe.get("exp")
        run("watch expired key", pipe.execute)
    other.close()
    run("raw multi exec", lambda: (r.execute_command("MULTI"), r.execute_command("SET", "rm", 1), r.execute_command("EXEC")))
    run("raw multi discard", lambda: (r.execute_command("MULTI"), r.execute_command("DISCARD"), err_of(lambda: r.execute_command("EXEC"))))
    run("nested multi", lambda: (r.execute_command("MULTI"), err_of(lambda: r.execute_command("MULTI")), r.execute_command("DISCARD")))
    lock = r.lock("res", timeout=5)
    run("lock", lambda: (lock.acquire(blocking=False), r.lock("res").acquire(blocking=False), lock.locked(), lock.owned(), lock.extend(5), lock.reacquire(), lock.release(), lock.locked()))
    run("lock blocking timeout", lambda: (r.lock("res2", timeout=1).acquire(), timed(lambda: r.lock("res2").acquire(blocking_timeout=0.2), 0.05, 2)))


def pubsub(r):
    p = r.pubsub()
    p.subscribe("news", "sport")
    run("subscribe confirmations", lambda: [p.get_message(timeout=2) for _ in range(2)])
    p.psubscribe("n*")
    run("psubscribe confirmation", lambda: p.get_message(timeout=2))
    run("numsub numpat channels", lambda: (r.pubsub_numsub("news", "sport", "none"), r.pubsub_numpat(), sorted(r.pubsub_channels()), sorted(r.pubsub_channels("n*"))))
    run("publish", lambda: (r.publish("news", b"hello\x00world"), r.publish("sport", "goal"), r.publish("none", "x")))
    run("messages", lambda: [p.get_message(timeout=2) for _ in range(4)])
    run("no message", lambda: p.get_message(timeout=0.1))
    p.ping("hi")
    run("pubsub ping", lambda: p.get_message(timeout=2))
    p.unsubscribe("sport")
    run("unsubscribe one", lambda: p.get_message(timeout=2))
    p.punsubscribe()
    run("punsubscribe all", lambda: p.get_message(timeout=2))
    p.unsubscribe()
    run("unsubscribe all", lambda: p.get_message(timeout=2))
    run("unsubscribed flag", lambda: p.subscribed)
    p.close()

    got = []
    p2 = r.pubsub(ignore_subscribe_messages=True)
    p2.subscribe(**{"events": lambda m: got.append(m)})
    p2.psubscribe(**{"ev.*": lambda m: got.append(m)})
    th = p2.run_in_thread(sleep_time=0.05, daemon=True)
    time.sleep(0.1)
    for i in range(3):
        r.publish("events", f"e{i}")
        r.publish("ev.x", f"p{i}")
    deadline = time.time() + 3
    while len(got) < 6 and time.time() < deadline:
        time.sleep(0.02)
    th.stop()
    th.join(timeout=2)
    p2.close()
    run("run_in_thread handler", lambda: sorted(got, key=repr))

    listened = []
    p3 = r.pubsub()
    p3.subscribe("l")

    def listen():
        for m in p3.listen():
            listened.append(m)
            if m["data"] == b"stop":
                break

    th = threading.Thread(target=listen)
    th.start()
    deadline = time.time() + 3
    while r.pubsub_numsub("l")[0][1] < 1 and time.time() < deadline:
        time.sleep(0.02)
    r.publish("l", "one")
    r.publish("l", "stop")
    th.join(timeout=5)
    p3.close()
    run("listen", lambda: listened)
    run("numsub after close", lambda: (time.sleep(0.1), r.pubsub_numsub("l"))[1])


def notifications(r):
    """Keyspace notifications, MONITOR and other things an application
    watches a server with."""
    port = r.connection_pool.connection_kwargs["port"]
    run("notify config", lambda: (r.config_set("notify-keyspace-events", "KEA"), r.config_get("notify-keyspace-events")))
    p = r.pubsub(ignore_subscribe_messages=True)
    p.psubscribe("__key*__:*")
    p.get_message(timeout=1)
    r.set("nk", "v", px=100)
    r.hset("nh", "f", "v")
    r.lpush("nl", "a")
    r.lpop("nl")
    r.delete("nk2")
    r.rename("nh", "nh2")
    r.expire("nh2", 100)
    time.sleep(0.3)
    r.get("nk")  # expires it now, if the active cycle has not
    msgs = []
    for _ in range(40):
        m = p.get_message(timeout=0.2)
        if m is None:
            break
        msgs.append((m["channel"], m["data"]))
    run("keyspace events", lambda: msgs)
    p.close()
    run("notify off", lambda: r.config_set("notify-keyspace-events", ""))
    other = redis.Redis(port=port, client_name="watched")
    with r.monitor() as m:
        other.set("mon", 'say "hi"\n\x01')
        other.eval("return redis.call('get', KEYS[1])", 1, "mon")
        other.execute_command("SELECT", 3)
        other.get("x")
        seen = [m.next_command() for _ in range(5)]
    other.close()
    run("monitor", lambda: [(c["db"], c["client_type"], c["command"], type(c["time"]).__name__) for c in seen])
    run("sort", lambda: (r.rpush("so", 3, 1, 2), r.sort("so"), r.sort("so", desc=True, start=0, num=2), r.mset({"w_1": 30, "w_2": 20, "w_3": 10, "o_1": "a", "o_2": "b", "o_3": "c"}),
                         r.sort("so", by="w_*", get=["#", "o_*"]), r.sort("so", by="w_*", get="o_*", groups=False), r.sort("so", store="sorted"), r.lrange("sorted", 0, -1),
                         r.sort_ro("so", alpha=True), r.sort("so", get=["#", "o_*"], groups=True)))
    run("set exat pxat", lambda: (r.set("ea", 1, exat=int(time.time()) + 100), 98 <= r.ttl("ea") <= 100, r.set("pa", 1, pxat=int(time.time() * 1000) + 100000), 98 <= r.ttl("pa") <= 100,
                                  r.expire("ea", 50, lt=True), r.ttl("ea")))
    run("client pause", lambda: (r.client_pause(100), timed(lambda: redis.Redis(port=port).set("paused", 1), 0.05, 2), r.client_unpause()))
    run("client kill addr", lambda: (lambda o: (o.ping(), r.client_kill([c["addr"] for c in r.client_list() if c["name"] == "victim"][0]), err_of(o.ping)))(redis.Redis(port=port, client_name="victim", retry_on_timeout=False)))
    run("config resetstat", lambda: (r.config_resetstat(), r.info("stats")["total_commands_processed"] <= 2, sorted(r.info("commandstats"))))
    # Not a small integer: Redis shares one object among all keys holding
    # 0..9999 (maxmemory 0), whose counter every such key's reads move.
    run("object freq lfu", lambda: (r.config_set("maxmemory-policy", "allkeys-lfu"), r.set("lfu", "v"), r.object("freq", "lfu"), r.get("lfu"), r.object("freq", "lfu") >= 5,
                                    r.config_set("maxmemory-policy", "noeviction")))
    run("wait", lambda: r.wait(0, 100))
    run("getbit bitfield_ro", lambda: (r.set("bfr", "a"), r.getbit("bfr", 1), r.execute_command("BITFIELD_RO", "bfr", "GET", "u8", 0, "GET", "u4", 4)))
    run("function stats dump", lambda: (r.function_load("#!lua name=l2\nredis.register_function('f2', function() return 1 end)"), type(r.function_dump()).__name__,
                                        r.function_stats(), r.function_flush(), r.function_list()))
    run("latency", lambda: (r.execute_command("LATENCY", "LATEST"), r.execute_command("LATENCY", "HISTORY", "command")))


def scripting(r):
    r.script_flush()
    s = r.register_script("redis.call('incr', KEYS[1]); return {KEYS[1], ARGV[1], tonumber(redis.call('get', KEYS[1]))}")
    run("script first call", lambda: s(keys=["lk"], args=["x"]))
    run("script exists", lambda: r.script_exists(s.sha, "0" * 40))
    run("script flush", r.script_flush)
    run("script after flush (NOSCRIPT then load)", lambda: s(keys=["lk"], args=["y"]))
    run("evalsha noscript raw", lambda: err_of(lambda: r.evalsha("0" * 40, 0)))
    p = r.pipeline()
    s(keys=["lk"], args=["p"], client=p)
    p.get("lk")
    r.script_flush()
    run("script in pipeline", p.execute)
    run("eval types", lambda: r.eval("return {1, 'two', 3.7, true, false, nil, {ok='fine'}, {'nested'}}", 0))
    run("eval status", lambda: r.eval("return redis.status_reply('DONE')", 0))
    run("eval error reply", lambda: err_of(lambda: r.eval("return redis.error_reply('my error')", 0)))
    r.hset("h", "f", "v")
    run("eval runtime error", lambda: err_of(lambda: r.eval("return redis.call('incr', KEYS[1])", 1, "h")))
    run("eval pcall", lambda: r.eval("local e = redis.pcall('incr', KEYS[1]); return e['err']", 1, "h"))
    run("eval syntax error", lambda: err_of(lambda: r.eval("return +", 0)))
    run("eval wrong numkeys", lambda: err_of(lambda: r.eval("return 1", 5, "a")))
    run("script_load", lambda: r.script_load("return 42"))
    run("evalsha loaded", lambda: r.evalsha(r.script_load("return ARGV[1]"), 0, "a"))
    run("eval_ro", lambda: (r.eval_ro("return redis.call('get', KEYS[1])", 1, "lk"), err_of(lambda: r.eval_ro("return redis.call('set', KEYS[1], 1)", 1, "lk"))))
    run("function", lambda: (r.function_load("#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return args[1] end)"),
                             r.fcall("myfunc", 0, "hi"), r.function_list(), r.function_delete("mylib")))


# IDS are the INFO fields holding hex ids: whether redis-py reads one as a
# number or a string depends on its digits.
IDS = {"run_id", "redis_build_id", "redis_git_sha1", "master_replid", "master_replid2"}


def clients(entries):
    """clients drops the lib-name and lib-ver fields Shoal shows (Redis 7.2's,
    with CLIENT SETINFO; tests/compat leaves them out too), and the newline
    that ends the last field of Redis 7.0's lines."""
    for c in entries:
        c.pop("lib-name", None)
        c.pop("lib-ver", None)
        last = list(c)[-1]
        c[last] = c[last].rstrip("\n")
    return entries


# NOT_COMPARED are subcommands one server has and the other not, as
# tests/compat's infoExcluded says: Shoal has no CLIENT TRACKING and
# CACHING yet, and takes CLIENT SETINFO from Redis 7.2.
NOT_COMPARED = {b"client|tracking", b"client|caching", b"client|setinfo"}


def info(r):
    for section in ("server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules",
                    "errorstats", "cluster", "keyspace", "commandstats", "latencystats", "default", "all", "everything"):
        try:
            d = r.info(section)
        except Exception as e:
            emit(f"info {section}", "eq", err(e))
            continue
        rec(f"info {section} raw lines", d.get("__raw__", []))
        fields = {k: "id" if k in IDS else typename(v) for k, v in d.items() if k != "__raw__"}
        if section in ("commandstats", "latencystats", "errorstats", "all", "everything"):
            # which commands and errors ran differs with what the client sent;
            # the shape of one entry is what a parser depends on.
            fields = {k: v for k, v in fields.items() if not k.startswith(("cmdstat_", "latency_percentiles_usec_", "errorstat_"))}
            for prefix in ("cmdstat_", "latency_percentiles_usec_", "errorstat_"):
                entries = sorted({typename(v) for k, v in d.items() if k.startswith(prefix)})
                if entries:
                    fields[prefix + "*"] = "|".join(entries)
        keys(f"info {section}", fields)
    run("info set", lambda: r.info("cpu", "clients")["connected_clients"] >= 1)
    run("info cmdstat_set", lambda: sorted(r.info("commandstats")["cmdstat_set"]))
    # avg_ttl is 0 until the expire cycle first samples the database
    run("info keyspace", lambda: (r.flushall(), r.set("x", 1), r.set("y", 2, ex=100),
                                  {db: {k: (v if k != "avg_ttl" else "<ttl>") for k, v in f.items()} for db, f in r.info("keyspace").items()})[-1])


def server(r, port):
    run("client_list parse", lambda: [sorted(c) for c in clients(r.client_list())])
    run("client_list fields order", lambda: [list(c) for c in clients(r.client_list())][:1])
    run("client_info", lambda: (lambda c: (list(c), c["db"], c["flags"], c["cmd"], c["name"], c["sub"], c["psub"], c["multi"], c["resp"]))(clients([r.client_info()])[0]))
    run("client_list type", lambda: len(clients(r.client_list(_type="normal"))) >= 1)
    run("client setname id", lambda: (r.client_setname("me"), r.client_getname(), isinstance(r.client_id(), int), sorted(c["name"] for c in clients(r.client_list()))))
    run("client kill filter", lambda: (lambda o: (o.ping(), r.client_kill_filter(_id=o.client_id())))(redis.Redis(port=port)))
    cfg = r.config_get("*")
    # the servers' own settings, and io-threads, whose 0 in Shoal is one
    # event loop per CPU (README) where Redis says 1
    varying = {"port", "dir", "pidfile", "logfile", "bind", "unixsocket", "daemonize", "save", "appendonly", "requirepass", "io-threads"}
    keys("config_get *", {k: ("<varies>" if k in varying else v) for k, v in cfg.items()})
    keys("config_get pattern", r.config_get("maxmemory*"))
    run("config_get several", lambda: r.execute_command("CONFIG GET", "timeout", "databases", "nosuch"))
    run("config_set", lambda: (r.config_set("maxmemory", "10mb"), r.config_get("maxmemory"), r.config_set("maxmemory", 0), err_of(lambda: r.config_set("nosuch", 1))))
    r.set("mu", "x" * 100)
    r.rpush("ml", "a")
    run("memory_usage", lambda: [(lambda v: (type(v).__name__, v is None or v > 0))(r.memory_usage(k)) for k in ("mu", "ml", "nokey")])
    run("memory_usage samples", lambda: r.memory_usage("ml", samples=0) > 0)
    run("memory_stats", lambda: (lambda d: type(d).__name__)(r.memory_stats()))
    keys("memory_stats keys", {k: "" for k in r.memory_stats() if not k.startswith("db.")})
    for k, v in (("int", 123), ("emb", "short"), ("raw", "x" * 50)):
        r.set(k, v)
    r.hset("oh", "a", 1)
    r.sadd("os", "a")
    r.zadd("oz", {"a": 1})
    r.rpush("ol", "a")
    run("object encoding", lambda: [r.object("encoding", k) for k in ("int", "emb", "raw", "oh", "os", "oz", "ol", "nokey")])
    run("object refcount idletime", lambda: (r.object("refcount", "emb"), r.object("idletime", "emb"), err_of(lambda: r.object("freq", "emb"))))
    run("type", lambda: [r.type(k) for k in ("int", "oh", "os", "oz", "ol", "nokey")])
    run("dbsize flushdb", lambda: (r.dbsize() > 0, r.flushdb(), r.dbsize(), r.flushdb(asynchronous=True), r.flushall()))
    run("select swapdb move", lambda: (r.set("sm", 1), r.move("sm", 1), r.exists("sm"), r.swapdb(0, 1), r.get("sm"), r.swapdb(0, 1)))
    run("time", lambda: (lambda t: (type(t).__name__, type(t[0]).__name__, type(t[1]).__name__, abs(t[0] - time.time()) < 5, 0 <= t[1] < 1000000))(r.time()))
    run("lastsave", lambda: (lambda t: (type(t).__name__, abs(t.timestamp() - time.time()) < 120))(r.lastsave()))
    run("slowlog", lambda: (r.config_set("slowlog-log-slower-than", 0), r.slowlog_reset(), r.set("slow", "v"),
                            [(type(e["id"]).__name__, type(e["start_time"]).__name__, type(e["duration"]).__name__, e["command"]) for e in r.slowlog_get(2)],
                            r.slowlog_len() >= 1, r.config_set("slowlog-log-slower-than", 10000), r.slowlog_reset(), r.slowlog_get()))
    run("slowlog raw entry", lambda: (r.config_set("slowlog-log-slower-than", 0), r.slowlog_reset(), r.client_setname("slowpoke"), r.get("slow"),
                                      (lambda e: (len(e), e[3], e[5]))(raw_slowlog(r)),
                                      r.config_set("slowlog-log-slower-than", 10000)))
    run("command_count", lambda: type(r.command_count()).__name__)
    cmds = r.command()
    for v in cmds.values():
        v["subcommands"] = sorted(s for s in v["subcommands"] if s[0] not in NOT_COMPARED)  # Redis's order is its hash table's
    keys("command", {k: repr(v) for k, v in cmds.items()})
    run("command_info", lambda: err_of(lambda: r.command_info()))
    run("command_getkeys", lambda: (r.command_getkeys("SET", "a", "b"), r.command_getkeys("MSET", "a", "1", "b", "2"), err_of(lambda: r.command_getkeys("GET"))))
    run("command_getkeysandflags", lambda: r.command_getkeysandflags("LMOVE", "a", "b", "LEFT", "RIGHT"))
    keys("command_list", {k: "" for k in r.command_list()})
    run("command_list filter", lambda: sorted(r.command_list(category="string"))[:5])
    run("echo ping", lambda: (r.echo(b"\x00\xff"), r.ping(), r.execute_command("PING", "x")))
    run("xadd", lambda: xadd(r))
    run("unknown command", lambda: err_of(lambda: r.execute_command("NOSUCHCMD", "a")))
    run("wrong arity", lambda: err_of(lambda: r.execute_command("GET")))
    run("connection usable after errors", r.ping)
    run("role", r.role)


def parsed(r, port):
    """Replies redis-py's response callbacks parse (client.py's
    RESPONSE_CALLBACKS) and those its helpers (Lock, PubSub health checks)
    depend on, beyond the families above."""
    for k, v in (("int", 123), ("emb", "short"), ("raw", "x" * 50)):
        r.set(k, v)
    r.rpush("ol", "a", "b")
    r.hset("oh", "a", 1)
    r.sadd("os", 1, 2)
    r.zadd("oz", {"a": 1})
    # lru and lru_seconds_idle are clock readings; the rest is the value's
    run("debug_object", lambda: [(lambda d: (sorted(d), {k: v for k, v in d.items() if k not in ("at", "lru", "lru_seconds_idle")},
                                             type(d["lru"]).__name__))(r.debug_object(k)) for k in ("int", "emb", "raw", "oh", "os", "oz")])
    run("debug_object list", lambda: (lambda d: (sorted(d), d["encoding"], d["refcount"], d["ql_nodes"], d["ql_listpack_max"]))(r.debug_object("ol")))
    run("debug_object missing", lambda: err_of(lambda: r.debug_object("nokey")))
    run("object types", lambda: [(lambda v: type(v).__name__)(r.object(t, "emb")) for t in ("encoding", "refcount", "idletime")] + [r.object("idletime", "nokey"), r.object("refcount", "nokey")])
    run("memory_stats types", lambda: {k: typename(v) for k, v in r.memory_stats().items() if not k.startswith("db.")})
    run("memory_stats db", lambda: {k: sorted(v) for k, v in r.memory_stats().items() if k.startswith("db.")})
    run("memory_usage types", lambda: [r.memory_usage("nokey"), type(r.memory_usage("int")).__name__, err_of(lambda: r.memory_usage("ol", samples=-1))])
    run("latency histogram", lambda: (r.config_resetstat(), r.set("lh", 1), r.set("lh", 2), r.get("lh"),
                                      latency_histogram(r.execute_command("LATENCY HISTOGRAM", "set", "get", "nosuch"))))
    run("latency histogram all", lambda: sorted(latency_histogram(r.execute_command("LATENCY HISTOGRAM"))))
    run("latency event", lambda: (r.latency_reset() if hasattr(r, "latency_reset") else r.execute_command("LATENCY RESET"),
                                  r.config_set("latency-monitor-threshold", 1), r.execute_command("DEBUG", "SLEEP", "0.02"),
                                  [(e[0], type(e[1]).__name__, e[2] >= 20, e[3] >= 20) for e in r.execute_command("LATENCY LATEST")],
                                  [(type(e[0]).__name__, e[1] >= 20) for e in r.execute_command("LATENCY HISTORY", "command")],
                                  r.execute_command("LATENCY RESET", "command"), r.execute_command("LATENCY LATEST"), r.config_set("latency-monitor-threshold", 0)))
    run("client trackinginfo", lambda: r.client_trackinginfo())
    run("client getredir no-evict", lambda: (r.client_getredir(), r.client_no_evict("on"), r.client_no_evict("off"), err_of(lambda: r.client_no_evict("maybe"))))
    blocked = redis.Redis(port=port, client_name="blocked")
    out = []
    for error in (False, True):
        bid = blocked.client_id()
        th = threading.Thread(target=lambda: out.append(err_of(lambda: blocked.blpop("nolist", timeout=5))))
        th.start()
        deadline = time.time() + 3
        while not [c for c in r.client_list() if c["name"] == "blocked" and c["cmd"] == "blpop"] and time.time() < deadline:
            time.sleep(0.02)
        run(f"client_unblock error={error}", lambda: (r.client_unblock(bid, error=error), r.client_unblock(bid)))
        th.join(timeout=5)
    run("client_unblock blocked saw", lambda: out)
    blocked.close()
    reset = redis.Redis(port=port, client_name="toreset", db=3)
    run("reset", lambda: (reset.execute_command("RESET"), (lambda c: (c["name"], c["db"], c["flags"]))(reset.client_info())))
    reset.close()
    run("hello 2 fields", lambda: (lambda h: {k: v for k, v in h.items() if k not in (b"id", b"version")})(
        dict(zip(*[iter(r.execute_command("HELLO", "2", "SETNAME", "hello-check"))] * 2))))
    # the default user has nopass: any password is accepted
    run("hello errors", lambda: (err_of(lambda: r.execute_command("HELLO", "4")), (lambda h: h[:6] + h[8:])(r.execute_command("HELLO", "2", "AUTH", "default", "x")),
                                 err_of(lambda: r.execute_command("HELLO", "2", "NOSUCH"))))
    run("command_getkeys more", lambda: [err_of(lambda: r.command_getkeys(*a)) for a in (
        ("EVAL", "return 1", "2", "k1", "k2", "a"), ("ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"), ("SORT", "s", "BY", "w_*", "STORE", "dst"),
        ("LMPOP", "2", "a", "b", "LEFT"), ("BLMOVE", "a", "b", "LEFT", "RIGHT", "0"), ("RENAME", "a", "b"), ("OBJECT", "ENCODING", "k"),
        ("PING",), ("FCALL", "f", "1", "k"), ("SET", "a"))])
    cmd_docs = pairs(r.execute_command("COMMAND DOCS"))
    keys("command docs", {k: repr(canon(docs(v))) for k, v in cmd_docs.items() if k.encode() not in NOT_COMPARED})
    run("command docs some", lambda: {k: docs(v) for k, v in pairs(r.execute_command("COMMAND DOCS", "get", "client|kill", "nosuch", "SET")).items()})
    run("zrandmember withscores", lambda: (r.zadd("zr1", {"only": 1.5}), r.zrandmember("zr1", 1, withscores=True), r.zrandmember("zr1", -3, withscores=True),
                                           r.zrandmember("zr1", 0, withscores=True), r.zrandmember("nokey", 2, withscores=True), r.zrandmember("nokey", 2)))
    run("srandmember hrandfield", lambda: (r.sadd("sr1", "only"), r.srandmember("sr1"), r.srandmember("sr1", 3), r.srandmember("sr1", -3), r.srandmember("sr1", 0), r.srandmember("nokey", 2),
                                           r.hset("hr1", "f", "v"), r.hrandfield("hr1", 2, withvalues=True), r.hrandfield("hr1", -2, withvalues=True), r.hrandfield("nokey", 2)))
    run("spop count", lambda: (r.sadd("sp1", "only"), r.spop("sp1", 0), r.spop("sp1", 5), r.spop("nokey", 3), r.exists("sp1")))
    run("lpos variants", lambda: (r.rpush("lp", *"abcabcab"), r.lpos("lp", "b", rank=-1), r.lpos("lp", "b", count=2, rank=-1), r.lpos("lp", "c", maxlen=2),
                                  r.lpos("lp", "c", maxlen=3, count=0), r.lpos("lp", "z", count=2), r.lpos("nokey", "a", count=1), err_of(lambda: r.lpos("lp", "a", rank=0))))
    run("blmpop", lambda: (r.rpush("bl", 1, 2, 3), r.blmpop(1, 2, "nokey", "bl", direction="RIGHT", count=2), r.blmpop(1, 1, "bl", direction="LEFT", count=5),
                           timed(lambda: r.blmpop(0.1, 1, "bl", direction="LEFT"), 0.05, 2)))
    run("bzmpop", lambda: (r.zadd("bz", {"a": 1, "b": 2.5, "c": 3}), r.bzmpop(1, 2, ["nokey", "bz"], max=True, count=2), r.bzmpop(1, 1, ["bz"], min=True, count=9),
                           timed(lambda: r.bzmpop(0.1, 1, ["bz"], min=True), 0.05, 2)))
    run("bzpop values", lambda: (r.zadd("bp", {"a": 1.5, "b": 2}), r.bzpopmax("bp", 1), r.bzpopmin(["nokey", "bp"], 1)))
    run("zadd incr variants", lambda: (r.zadd("zi2", {"a": 1}), r.zadd("zi2", {"a": 1.5}, incr=True, xx=True), r.zadd("zi2", {"b": 1}, incr=True, xx=True),
                                       r.zadd("zi2", {"a": 1}, incr=True, gt=True), r.zadd("zi2", {"a": -1}, incr=True, gt=True), r.zadd("zi2", {"a": "inf"}, incr=True),
                                       err_of(lambda: r.zadd("zi2", {"a": "-inf"}, incr=True)), err_of(lambda: r.zadd("zi2", {"a": 1, "b": 2}, incr=True))))
    run("zrange withscores variants", lambda: (r.zadd("zw", {"a": 1, "b": 2.5, "c": 1e-5, "d": -0.0}), r.zrevrange("zw", 0, -1, withscores=True), r.zrevrangebyscore("zw", "+inf", "-inf", withscores=True),
                                               r.zrange("zw", "(0", 2, byscore=True, withscores=True), r.zrange("zw", 0, 1, desc=True, withscores=True, score_cast_func=int),
                                               r.zpopmax("zw", 2), r.zpopmin("zw", 0), r.zintercard(2, ["zw", "zw"]), r.zintercard(2, ["zw", "zw"], limit=1)))
    run("zrangestore zunion weights", lambda: (r.zadd("zx", {"a": 1, "b": 2}), r.zunion(["zx", "zx"], aggregate="SUM", withscores=True), r.zinter({"zx": 0.5, "nokey": 2}, withscores=True),
                                               r.zunion({"zx": 0.5}, withscores=True), r.zrangestore("zxs", "zx", 0, 1, byscore=True, offset=1, num=1), r.zrange("zxs", 0, -1, withscores=True)))
    run("function list variants", lambda: (r.function_load("#!lua name=plib\nredis.register_function{function_name='pf', callback=function() return 1 end, flags={'no-writes'}, description='d'}"),
                                           r.function_list(library="p*", withcode=True), r.function_list(library="nomatch*"), r.fcall_ro("pf", 0),
                                           err_of(lambda: r.fcall("nosuch", 0)), r.function_delete("plib"), err_of(lambda: r.function_delete("plib"))))
    run("function restore", lambda: (r.function_load("#!lua name=rlib\nredis.register_function('rf', function() return 2 end)"), (lambda d: (r.function_flush(),
                                     r.function_restore(d), r.fcall("rf", 0), err_of(lambda: r.function_restore(d)), r.function_restore(d, "REPLACE")))(r.function_dump())))
    run("script exists many", lambda: (r.script_load("return 7"), r.script_exists(*[r.script_load("return 7"), "f" * 40, "nosha"])))
    run("sort groups", lambda: (r.rpush("sg", 2, 1), r.mset({"sgo_1": "x", "sgo_2": "y"}), r.sort("sg", get=["#", "sgo_*", "nokey_*"], groups=True)))
    run("slowlog args cut", lambda: (r.config_set("slowlog-log-slower-than", 0), r.slowlog_reset(), r.execute_command("RPUSH", "slowargs", *range(40)), r.set("s" * 200, "v"),
                                     [e["command"] for e in r.slowlog_get(3)], r.config_set("slowlog-log-slower-than", 10000), r.slowlog_reset()))
    run("config get parse", lambda: (r.config_get("save"), r.config_get("client-output-buffer-limit"), r.config_get("notify-keyspace-events"), r.config_get("nosuch*"),
                                     r.config_get("maxmemory-policy"), r.config_get("appendfsync")))
    run("role parse", lambda: (lambda v: (v[0], v[1] if v[0] == b"master" else None, v[2] if v[0] == b"master" else None))(r.role()))
    run("time type", lambda: tuple(type(x).__name__ for x in r.time()))
    lock_steps(r, port)
    health_check(port)


def pairs(flat):
    return {(k.decode() if isinstance(k, bytes) else k): v for k, v in zip(flat[0::2], flat[1::2])}


def docs(v):
    """docs turns a COMMAND DOCS entry into dicts, so that the order of
    subcommands (Redis's hash table's) does not count."""
    if isinstance(v, list) and len(v) % 2 == 0 and all(isinstance(k, bytes) for k in v[0::2]):
        d = pairs(v)
        return {k: ({n: docs(x) for n, x in pairs(d[k]).items() if n.encode() not in NOT_COMPARED} if k == "subcommands" else docs(d[k])) for k in d}
    if isinstance(v, list):
        return [docs(x) for x in v]
    return v


def latency_histogram(v):
    """latency_histogram keeps what does not depend on timing: each
    command's fields and calls, and the last bucket counting every call."""
    out = {}
    for name, entry in pairs(v).items():
        e = pairs(entry)
        buckets = e.get("histogram_usec", [])
        out[name] = (sorted(e), e.get("calls"), buckets[-1] if buckets else None)
    return out


def lock_steps(r, port):
    """redis.lock.Lock runs Lua scripts (EVALSHA, falling back on NOSCRIPT)
    for extend, reacquire and release."""
    r.script_flush()
    a = r.lock("lk1", timeout=2, thread_local=False)
    run("lock acquire", lambda: (a.acquire(blocking=False), 1900 <= r.pttl("lk1") <= 2000, a.locked(), a.owned()))
    run("lock extend", lambda: (a.extend(3), 4900 <= r.pttl("lk1") <= 5000, a.extend(1, replace_ttl=True), 900 <= r.pttl("lk1") <= 1000))
    run("lock other", lambda: (lambda b: (b.acquire(blocking=False), b.owned(), err_of(b.release), err_of(lambda: b.extend(1))))(r.lock("lk1", thread_local=False)))
    run("lock release twice", lambda: (a.release(), err_of(a.release), a.locked(), err_of(a.reacquire)))
    b = r.lock("lk2", timeout=0.1, thread_local=False)
    run("lock expired", lambda: (b.acquire(), time.sleep(0.2), b.locked(), err_of(lambda: b.extend(1)), err_of(b.release)))
    c = r.lock("lk3", timeout=None, thread_local=False)
    run("lock no timeout", lambda: (c.acquire(), r.ttl("lk3"), err_of(lambda: c.extend(1)), c.release()))
    run("lock context", lambda: (lambda lk: [lk.__enter__() is lk, r.exists("lk4"), lk.__exit__(None, None, None), r.exists("lk4")])(r.lock("lk4", timeout=5)))
    other = redis.Redis(port=port)
    t = threading.Timer(0.2, lambda: other.delete("lk5"))
    r.set("lk5", "held")
    t.start()
    run("lock blocking until freed", lambda: timed(lambda: r.lock("lk5", sleep=0.05).acquire(blocking_timeout=3), 0.1, 2))
    t.join()
    other.close()


def health_check(port):
    """A PubSub on a connection with health_check_interval pings the
    server while subscribed (PING redis-py-health-check) and must read the
    ['pong', 'redis-py-health-check'] reply back as its own, not as a
    message."""
    hc = redis.Redis(port=port, health_check_interval=1)
    p = hc.pubsub()
    p.subscribe("hc")
    run("health check subscribe", lambda: p.get_message(timeout=2))
    time.sleep(1.1)
    run("health check while subscribed", lambda: (p.get_message(timeout=0.2), p.get_message(timeout=0.2)))
    hc.publish("hc", "after")
    run("health check message after", lambda: p.get_message(timeout=2))
    p.ping()
    run("pubsub ping no arg", lambda: p.get_message(timeout=2))
    p.unsubscribe()
    run("health check unsubscribe", lambda: p.get_message(timeout=2))
    time.sleep(1.1)
    p.subscribe("hc2")
    run("health check resubscribe", lambda: (p.get_message(timeout=2), p.get_message(timeout=0.2)))
    p.close()
    hc.close()


def raw_slowlog(r):
    conn = r.connection_pool.get_connection("SLOWLOG")
    try:
        conn.send_command("SLOWLOG", "GET", "1")
        return conn.read_response()[0]
    finally:
        r.connection_pool.release(conn)


def xadd(r):
    """xadd records a stream id as "<stream id>": Shoal has no streams, and
    must then answer Redis's unknown-command error."""
    v = r.xadd("stream", {"f": "v"})
    return "<stream id>" if STREAM_ID.match(v) else v


def pool(port):
    pool = redis.ConnectionPool(port=port, max_connections=50)
    r = redis.Redis(connection_pool=pool)
    r.delete("ctr")
    errors = []

    def work(n):
        try:
            for i in range(200):
                r.incr("ctr")
                r.set(f"t{n}", i)
                if r.get(f"t{n}") != str(i).encode():
                    errors.append(f"thread {n} read back a wrong value")
                r.pipeline().incr("ctr").get(f"t{n}").execute()
        except Exception as e:
            errors.append(err(e))

    run_threads(work, 20)
    run("pool threads", lambda: (errors, r.get("ctr"), len(pool._available_connections) + len(pool._in_use_connections) <= 20))
    bp = redis.BlockingConnectionPool(port=port, max_connections=3, timeout=5)
    br = redis.Redis(connection_pool=bp)
    out = []

    def blocking_work(n):
        try:
            out.append(br.blpop(f"bp{n}", timeout=0.1))
        except Exception as e:
            out.append(err(e))

    run_threads(blocking_work, 9)
    run("blocking pool", lambda: (out, len(bp._connections) <= 3))
    pool.disconnect()
    bp.disconnect()
    run("clients after disconnect", lambda: (time.sleep(0.1), redis.Redis(port=port).info("clients")["connected_clients"])[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--auth-port", type=int, required=True)
    ap.add_argument("--password", required=True)
    args = ap.parse_args()
    emit("redis-py version", "eq", repr(redis.__version__))
    r = connect(args)
    r.flushall()
    auth(args)
    for family in (strings, hashes, lists, sets, zsets, scans, pipelines, pubsub, notifications, scripting):
        r.flushall()
        family(r)
    r.flushall()
    transactions(r, args.port)
    server(r, args.port)
    info(r)
    pool(args.port)
    # after pool, whose last step counts the connections left open
    r.flushall()
    parsed(r, args.port)


if __name__ == "__main__":
    main()
