package command

import (
	"strings"
	"testing"
)

// TestMemoryDoctorReport checks the doctor's diagnosis for figures that a
// test cannot produce on a live node, against Redis 7.0's texts.
func TestMemoryDoctorReport(t *testing.T) {
	const mb = 1 << 20
	// Redis 7.0.15's report after a peak, with its allocator lines
	// (which need jemalloc's figures) taken out.
	peakAndRSS := "Sam, I detected a few issues in this Redis instance memory implants:\n\n" +
		" * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n" +
		" * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is \"" + memAllocator() + "\".\n\n" +
		"I'm here to keep you safe, Sam. I want to help you.\n"
	fine := "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
	withFrag := func(m memoryOverhead) memoryOverhead {
		m.frag, m.fragBytes = float32(m.rss)/float32(m.total), m.rss-m.total
		return m
	}
	tests := []struct {
		name string
		m    memoryOverhead
		want string
	}{
		{"empty", withFrag(memoryOverhead{total: 5*mb - 1, peak: 50 * mb, rss: 100 * mb}), doctorEmpty},
		{"fine", withFrag(memoryOverhead{total: 100 * mb, peak: 150 * mb, rss: 140 * mb, numClients: 1, clients: 16384}), fine},
		{"small rss excess", withFrag(memoryOverhead{total: 6 * mb, peak: 6 * mb, rss: 15 * mb}), fine},
		{"peak and rss", withFrag(memoryOverhead{total: 6962584, peak: 23281384, rss: 30060544}), peakAndRSS},
		{"clients", withFrag(memoryOverhead{total: 100 * mb, peak: 100 * mb, rss: 110 * mb, numClients: 2, clients: 1 * mb}),
			"Sam, I detected a few issues in this Redis instance memory implants:\n\n * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average)."},
	}
	for _, tt := range tests {
		got := memoryDoctorReport(tt.m)
		if got != tt.want && !(tt.name == "clients" && strings.HasPrefix(got, tt.want) && strings.HasSuffix(got, "I want to help you.\n")) {
			t.Errorf("%s: report =\n%q\nwant\n%q", tt.name, got, tt.want)
		}
	}
}
