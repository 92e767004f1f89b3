package engine

// SlotCount is the number of cluster hash slots.
const SlotCount = 16384

// crc16Table is CRC16-CCITT (XMODEM), the checksum Redis Cluster uses.
var crc16Table = func() (t [256]uint16) {
	for i := range t {
		crc := uint16(i) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
		t[i] = crc
	}
	return t
}()

func crc16(b []byte) uint16 {
	var crc uint16
	for _, c := range b {
		crc = crc<<8 ^ crc16Table[byte(crc>>8)^c]
	}
	return crc
}

// SlotOf returns the cluster hash slot of key. When the key holds a
// non-empty {hash tag}, only the tag is hashed, so that keys sharing a tag
// share a slot.
func SlotOf(key []byte) int {
	for i, c := range key {
		if c != '{' {
			continue
		}
		for j := i + 1; j < len(key); j++ {
			if key[j] == '}' {
				if j > i+1 {
					return int(crc16(key[i+1:j]) & (SlotCount - 1))
				}
				break
			}
		}
		break
	}
	return int(crc16(key) & (SlotCount - 1))
}
