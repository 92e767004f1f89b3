package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// unsupportedDirectives are Redis 7.0 features Shoal does not have yet
// (cluster mode, TLS, an ACL file, unix sockets, syslog, ...): their off
// values, the defaults, are accepted and shown, so that a redis.conf
// loads; a value that would turn the feature on is refused, at start-up
// and by CONFIG SET, with an error naming it, never taken silently.
func unsupportedDirectives() []*param {
	ps := []*param{
		{name: "cluster-enabled", kind: kindBool, def: "no", immutable: true, check: offOnly("cluster mode (cluster-enabled yes)")},
		{name: "cluster-config-file", kind: kindString, def: "nodes.conf", immutable: true},
		{name: "cluster-port", kind: kindInt, def: "0", min: 0, max: 65535, immutable: true},
		{name: "cluster-node-timeout", kind: kindInt, def: "15000", min: 0, max: math.MaxInt64},
		{name: "cluster-announce-ip", kind: kindString, def: "", rewrite: rewriteUnlessEmpty},
		{name: "cluster-announce-hostname", kind: kindString, def: "", check: checkHostname, rewrite: rewriteUnlessEmpty},
		{name: "cluster-announce-port", kind: kindInt, def: "0", min: 0, max: 65535},
		{name: "cluster-announce-bus-port", kind: kindInt, def: "0", min: 0, max: 65535},
		{name: "cluster-announce-tls-port", kind: kindInt, def: "0", min: 0, max: 65535},
		{name: "cluster-migration-barrier", kind: kindInt, def: "1", min: 0, max: math.MaxInt32},
		{name: "cluster-replica-validity-factor", alias: "cluster-slave-validity-factor", kind: kindInt, def: "10", min: 0, max: math.MaxInt32},
		{name: "cluster-replica-no-failover", alias: "cluster-slave-no-failover", kind: kindBool, def: "no"},
		{name: "cluster-require-full-coverage", kind: kindBool, def: "yes"},
		{name: "cluster-allow-reads-when-down", kind: kindBool, def: "no"},
		{name: "cluster-allow-pubsubshard-when-down", kind: kindBool, def: "yes"},
		{name: "cluster-allow-replica-migration", kind: kindBool, def: "yes"},
		{name: "cluster-link-sendbuf-limit", kind: kindString, def: "0", check: checkUnsignedMemory, normalize: unsignedMemory},
		{name: "cluster-preferred-endpoint-type", kind: kindEnum, def: "ip", enum: []string{"ip", "hostname", "unknown-endpoint"}},
		{name: "tls-port", kind: kindInt, def: "0", min: 0, max: 65535, check: zeroOnly("TLS (tls-port)")},
		{name: "tls-replication", kind: kindBool, def: "no", check: offOnly("TLS (tls-replication yes)")},
		{name: "tls-cluster", kind: kindBool, def: "no", check: offOnly("TLS (tls-cluster yes)")},
		{name: "tls-auth-clients", kind: kindEnum, def: "yes", enum: []string{"no", "yes", "optional"}},
		{name: "tls-prefer-server-ciphers", kind: kindBool, def: "no"},
		{name: "tls-session-caching", kind: kindBool, def: "yes"},
		{name: "tls-session-cache-size", kind: kindInt, def: "20480", min: 0, max: math.MaxInt32},
		{name: "tls-session-cache-timeout", kind: kindInt, def: "300", min: 0, max: math.MaxInt32},
		{name: "aclfile", kind: kindString, def: "", immutable: true, check: emptyOnly("ACL files (aclfile)"), rewrite: rewriteUnlessEmpty},
		{name: "maxmemory-clients", kind: kindString, def: "0", check: checkMaxmemoryClients, normalize: normalizeMaxmemoryClients},
		{name: "unixsocket", kind: kindString, def: "", immutable: true, check: emptyOnly("unix sockets (unixsocket)"), rewrite: rewriteUnlessEmpty},
		{name: "syslog-enabled", kind: kindBool, def: "no", immutable: true, check: offOnly("syslog (syslog-enabled yes)")},
		{name: "socket-mark-id", kind: kindInt, def: "0", min: 0, max: math.MaxUint32, immutable: true, check: zeroOnly("socket marks (socket-mark-id)")},
		{name: "aof-disable-auto-gc", kind: kindBool, def: "no", check: offOnly("keeping AOF history files (aof-disable-auto-gc yes)")},
		{name: "aof-timestamp-enabled", kind: kindBool, def: "no", check: offOnly("AOF timestamp annotations (aof-timestamp-enabled yes)")},
		{name: "propagation-error-behavior", kind: kindEnum, def: "ignore", enum: []string{"ignore", "panic", "panic-on-replicas"},
			check: valueOnly("ignore", "propagation-error-behavior other than ignore")},
	}
	for _, name := range []string{"tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file",
		"tls-client-key-file", "tls-client-key-file-pass", "tls-dh-params-file", "tls-ca-cert-file", "tls-ca-cert-dir",
		"tls-protocols", "tls-ciphers", "tls-ciphersuites"} {
		// As in Redis, TLS files are read only once TLS is on, which
		// the directives above refuse: until then any value is inert.
		ps = append(ps, &param{name: name, kind: kindString, def: "", rewrite: rewriteUnlessEmpty})
	}
	return ps
}

// unsupportedError names a feature Shoal lacks.
func unsupportedError(what string) error { return fmt.Errorf("%s is not supported by Shoal", what) }

func valueOnly(allowed, what string) func(string) error {
	return func(v string) error {
		if !strings.EqualFold(v, allowed) {
			return unsupportedError(what)
		}
		return nil
	}
}

func offOnly(what string) func(string) error { return valueOnly("no", what) }

func emptyOnly(what string) func(string) error { return valueOnly("", what) }

func zeroOnly(what string) func(string) error {
	return func(v string) error {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n != 0 {
			return unsupportedError(what)
		}
		return nil
	}
}

// checkMaxmemoryClients reads maxmemory-clients as Redis does, a memory
// value or a percentage of maxmemory, and accepts only 0 (no limit).
func checkMaxmemoryClients(v string) error {
	if pct, ok := strings.CutSuffix(v, "%"); ok {
		n, err := strconv.ParseInt(pct, 10, 64)
		switch {
		case err != nil || n < 0:
			return fmt.Errorf("argument must be a memory or percent value")
		case n > 100:
			return fmt.Errorf("percentage argument must be less or equal to 100")
		}
		if n != 0 {
			return unsupportedError("a client memory limit (maxmemory-clients)")
		}
		return nil
	}
	n, ok := ParseMemory(v)
	switch {
	case !ok:
		return fmt.Errorf("argument must be a memory or percent value")
	case n < 0: // Redis stores a percentage as a negative size
		return fmt.Errorf("percentage argument must be less or equal to 100")
	}
	if n != 0 {
		return unsupportedError("a client memory limit (maxmemory-clients)")
	}
	return nil
}

func normalizeMaxmemoryClients(v string) string {
	if strings.HasSuffix(v, "%") {
		return v
	}
	if n, ok := ParseMemory(v); ok {
		return strconv.FormatInt(n, 10)
	}
	return v
}

// checkHostname accepts what Redis 7.0 takes for a hostname.
func checkHostname(v string) error {
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return fmt.Errorf("Hostnames may only contain alphanumeric characters, hyphens or dots")
		}
	}
	return nil
}

func checkUnsignedMemory(v string) error {
	if _, ok := ParseMemory(v); !ok {
		return fmt.Errorf("argument must be a memory value")
	}
	return nil
}

// unsignedMemory shows a size as Redis's unsigned long long sizes do:
// past 2^63-1 it stays positive.
func unsignedMemory(v string) string {
	if n, ok := ParseMemory(v); ok {
		return strconv.FormatUint(uint64(n), 10)
	}
	return v
}
