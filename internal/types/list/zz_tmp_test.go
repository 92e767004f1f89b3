package list

import "testing"

func BenchmarkTmpPushHead(b *testing.B) {
	l := New(-2)
	v := make([]byte, 100)
	for range 6_000_000 {
		l.Push(v, true)
	}
	b.ResetTimer()
	for range b.N {
		l.Push(v, true)
	}
}

func BenchmarkTmpPushHeadFresh(b *testing.B) {
	l := New(-2)
	v := make([]byte, 100)
	for range b.N {
		l.Push(v, true)
	}
}
