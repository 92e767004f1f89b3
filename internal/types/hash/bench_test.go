package hash

import (
	"strconv"
	"testing"
)

// BenchmarkGet looks up fields of a full default-sized listpack (512
// fields, as hash-max-listpack-entries allows) and of a hashtable.
func BenchmarkGet(b *testing.B) {
	for _, lim := range []Limits{defaults, {MaxEntries: 0, MaxValue: 64}} {
		h := New()
		var fields [][]byte
		for i := range 512 {
			f := []byte("field:" + strconv.Itoa(i))
			fields = append(fields, f)
			h.Set(f, []byte("value:"+strconv.Itoa(i)), lim)
		}
		b.Run(h.Encoding(), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, ok := h.Get(fields[i%len(fields)]); !ok {
					b.Fatal("missing")
				}
			}
		})
	}
}

// BenchmarkSetSmall builds 10-field hashes, the common small case.
func BenchmarkSetSmall(b *testing.B) {
	var fields, values [][]byte
	for i := range 10 {
		fields = append(fields, []byte("field:"+strconv.Itoa(i)))
		values = append(values, []byte("value:"+strconv.Itoa(i)))
	}
	b.ReportAllocs()
	for b.Loop() {
		h := New()
		for i := range fields {
			h.Set(fields[i], values[i], defaults)
		}
	}
}

// BenchmarkSetUpdate is redis-benchmark's HSET workload: random fields
// "element:N", N below 100000, of one hashtable, set to 100-byte values;
// nearly every Set replaces a value of the same length.
func BenchmarkSetUpdate(b *testing.B) {
	fields := make([][]byte, 100000)
	for i := range fields {
		fields[i] = []byte("element:" + strconv.Itoa(i))
	}
	value := make([]byte, 100)
	h := New()
	for _, f := range fields {
		h.Set(f, value, defaults)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		h.Set(fields[(i*7919)%len(fields)], value, defaults)
	}
}
