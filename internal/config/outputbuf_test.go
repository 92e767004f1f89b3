package config

import "testing"

// The CONFIG SET / CONFIG GET pairs were checked against redis-server 7.0.
func TestClientOutputBufferLimitSetAndGet(t *testing.T) {
	const def = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
	tests := []struct {
		set, want, err string
	}{
		{"pubsub 32mb 8mb 60", def, ""},
		{"pubsub 1k 2 3", "normal 0 0 0 slave 268435456 67108864 60 pubsub 1000 2 3", ""},
		{"PubSub 1G 1Gb 1", "normal 0 0 0 slave 268435456 67108864 60 pubsub 1000000000 1073741824 1", ""},
		{"pubsub 1kb 2KB 3", "normal 0 0 0 slave 268435456 67108864 60 pubsub 1024 2048 3", ""},
		{"replica 1 2 3 slave 5 5 5", "normal 0 0 0 slave 5 5 5 pubsub 33554432 8388608 60", ""},
		{"normal 1 1 1 normal 2 2 2", "normal 2 2 2 slave 268435456 67108864 60 pubsub 33554432 8388608 60", ""},
		{"", def, ""},
		{"pubsub  1 2", "normal 0 0 0 slave 268435456 67108864 60 pubsub 0 1 2", ""},
		{"pubsub kb 2 3", "normal 0 0 0 slave 268435456 67108864 60 pubsub 0 2 3", ""},
		{"pubsub 1 2 ", "normal 0 0 0 slave 268435456 67108864 60 pubsub 1 2 0", ""},
		{"pubsub 01 2 +3", "normal 0 0 0 slave 268435456 67108864 60 pubsub 1 2 3", ""},
		{"pubsub 1 2 -0", "normal 0 0 0 slave 268435456 67108864 60 pubsub 1 2 0", ""},
		{"pubsub 1 2 4294967296", "normal 0 0 0 slave 268435456 67108864 60 pubsub 1 2 0", ""},
		{"pubsub 1 2 2147483647", "normal 0 0 0 slave 268435456 67108864 60 pubsub 1 2 2147483647", ""},
		{"pubsub 18446744073709551616 0 0", "normal 0 0 0 slave 268435456 67108864 60 pubsub 18446744073709551615 0 0", ""},
		{"pubsub 20000000000gb 0 0", "normal 0 0 0 slave 268435456 67108864 60 pubsub 3028092406290448384 0 0", ""},
		{"pubsub 1 2", def, errBufferLimitArgs.Error()},
		{" pubsub 1 2 3", def, errBufferLimitArgs.Error()},
		{"pubsub  1 2 3", def, errBufferLimitArgs.Error()},
		{"pubsub 1 2 3 normal", def, errBufferLimitArgs.Error()},
		{"foo 1 2 3", def, errBufferLimitClass.Error()},
		{"master 1 1 1", def, errBufferLimitClass.Error()},
		{"foo x 2 3", def, errBufferLimitClass.Error()},
		{"pubsub 1 2 3 foo 1 2 3", def, errBufferLimitClass.Error()},
		{"pubsub x 2 3 foo 1 2 3", def, errBufferLimitValue.Error()},
		{"pubsub -1 2 3", def, errBufferLimitValue.Error()},
		{"pubsub +5 2 3", def, errBufferLimitValue.Error()},
		{"pubsub 0x10 2 3", def, errBufferLimitValue.Error()},
		{"pubsub 1 -2 3", def, errBufferLimitValue.Error()},
		{"pubsub 1 2 -3", def, errBufferLimitValue.Error()},
		{"pubsub 1 2 3.5", def, errBufferLimitValue.Error()},
		{"pubsub 1 2 x", def, errBufferLimitValue.Error()},
		{"pubsub 1 2 4294967295", def, errBufferLimitValue.Error()},
		{"pubsub 1 2 2147483648", def, errBufferLimitValue.Error()},
		{"pubsub 1 2 9223372036854775807", def, errBufferLimitValue.Error()},
		{"pubsub 1 2 9223372036854775808", def, errBufferLimitValue.Error()},
	}
	for _, tt := range tests {
		c := Default()
		err := c.Set([][2]string{{"client-output-buffer-limit", tt.set}})
		wantErr := ""
		if tt.err != "" {
			wantErr = "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - " + tt.err
		}
		if (err == nil && wantErr != "") || (err != nil && err.Error() != wantErr) {
			t.Errorf("Set(%q) = %v, want %q", tt.set, err, wantErr)
		}
		if got := c.String("client-output-buffer-limit"); got != tt.want {
			t.Errorf("after Set(%q): %q, want %q", tt.set, got, tt.want)
		}
	}
}

func TestClientOutputBufferLimitByClass(t *testing.T) {
	c, err := FromArgs([]string{"--client-output-buffer-limit", "pubsub 1mb 512kb 5"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.ClientOutputBufferLimit(ClassPubSub), (OutputBufferLimit{1 << 20, 512 << 10, 5}); got != want {
		t.Errorf("pubsub limit %+v, want %+v", got, want)
	}
	if got, want := c.ClientOutputBufferLimit(ClassReplica), (OutputBufferLimit{256 << 20, 64 << 20, 60}); got != want {
		t.Errorf("replica limit %+v, want %+v (the default, untouched)", got, want)
	}
	if got := testing.AllocsPerRun(100, func() { c.ClientOutputBufferLimit(ClassPubSub) }); got != 0 {
		t.Errorf("reading a limit allocates %v times; it runs for every pushed message", got)
	}
}

func TestClientOutputBufferLimitInAFile(t *testing.T) {
	c := Default()
	if err := c.Load("client-output-buffer-limit", []string{"pubsub", "64mb", "16mb", "90"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Load("client-output-buffer-limit", []string{"normal", "1", "2"}); err == nil {
		t.Error("a group of three words was accepted")
	}
	if got := c.ClientOutputBufferLimit(ClassPubSub); got != (OutputBufferLimit{64 << 20, 16 << 20, 90}) {
		t.Errorf("pubsub limit %+v", got)
	}
}
