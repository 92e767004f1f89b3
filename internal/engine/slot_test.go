package engine

import (
	"math/rand/v2"
	"testing"
)

func TestSlotOf(t *testing.T) {
	// Expected slots are those redis-server's CLUSTER KEYSLOT returns.
	tests := []struct {
		key  string
		slot int
	}{
		{"123456789", 12739},
		{"foo", 12182},
		{"bar", 5061},
		{"", 0},
		{"{user1000}.following", 3443},
		{"{user1000}.followers", 3443},
		{"foo{}{bar}", 8363},    // empty tag: the whole key is hashed
		{"foo{{bar}}zap", 4015}, // tag is "{bar"
		{"foo{bar}{zap}", 5061}, // first tag only
		{"{", 4092},
	}
	for _, tt := range tests {
		if got := SlotOf([]byte(tt.key)); got != tt.slot {
			t.Errorf("SlotOf(%q) = %d, want %d", tt.key, got, tt.slot)
		}
	}
}

// crc16Bytewise is the one-table CRC, a byte at a time: the definition
// crc16's eight-byte steps must agree with.
func crc16Bytewise(b []byte) uint16 {
	var crc uint16
	for _, c := range b {
		crc = crc<<8 ^ crc16Tables[0][byte(crc>>8)^c]
	}
	return crc
}

func TestCRC16EightAtATime(t *testing.T) {
	if got := crc16([]byte("123456789")); got != 0x31C3 {
		t.Fatalf("crc16(123456789) = %#x, want 0x31c3 (XMODEM's check value)", got)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 64 {
		for range 50 {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			if got, want := crc16(b), crc16Bytewise(b); got != want {
				t.Fatalf("crc16(%x) = %#x, bytewise %#x", b, got, want)
			}
		}
	}
}

func BenchmarkSlotOf(b *testing.B) {
	key := []byte("key:000000012345")
	for b.Loop() {
		SlotOf(key)
	}
}
