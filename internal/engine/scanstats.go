package engine

// AddHits counts n keyspace hits in the shard holding slot, for a command
// that reads keys while scanning rather than through a [View]: SCAN's TYPE
// filter looks each key up, and Redis counts that as a hit.
func (db *DB) AddHits(slot int, n int64) {
	if n > 0 {
		db.shards[db.shardOfSlot(slot)].hits.Add(n)
	}
}
