package engine

import "testing"

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
