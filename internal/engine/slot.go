package engine

import "bytes"

// SlotCount is the number of cluster hash slots.
const SlotCount = 16384

// crc16Tables are for CRC16-CCITT (XMODEM), the checksum Redis Cluster
// uses, eight bytes at a time: crc16Tables[k][v] is the CRC of byte v
// followed by k zero bytes, so the CRC of eight bytes is the XOR of eight
// independent lookups instead of a chain of eight dependent ones. Every
// command hashes its keys' slots, and a key is often 8-40 bytes.
var crc16Tables = func() (t [8][256]uint16) {
	for i := range t[0] {
		crc := uint16(i) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
		t[0][i] = crc
	}
	for k := 1; k < 8; k++ {
		for i := range t[k] {
			prev := t[k-1][i]
			t[k][i] = prev<<8 ^ t[0][prev>>8]
		}
	}
	return t
}()

func crc16(b []byte) uint16 {
	var crc uint16
	t := &crc16Tables
	for ; len(b) >= 8; b = b[8:] {
		// The register's two bytes fold into the first two bytes.
		crc = t[7][b[0]^byte(crc>>8)] ^ t[6][b[1]^byte(crc)] ^
			t[5][b[2]] ^ t[4][b[3]] ^ t[3][b[4]] ^ t[2][b[5]] ^ t[1][b[6]] ^ t[0][b[7]]
	}
	for _, c := range b {
		crc = crc<<8 ^ t[0][byte(crc>>8)^c]
	}
	return crc
}

// SlotOf returns the cluster hash slot of key. When the key holds a
// non-empty {hash tag}, only the tag is hashed, so that keys sharing a tag
// share a slot.
func SlotOf(key []byte) int {
	if open := bytes.IndexByte(key, '{'); open >= 0 {
		if n := bytes.IndexByte(key[open+1:], '}'); n > 0 {
			return int(crc16(key[open+1:open+1+n]) & (SlotCount - 1))
		}
	}
	return int(crc16(key) & (SlotCount - 1))
}
