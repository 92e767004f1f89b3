package command

import (
	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/types/list"
)

// Lists in DUMP payloads. Redis 7.0 writes a list as
// RDB_TYPE_LIST_QUICKLIST_2: the number of nodes, then per node its
// container (2, a listpack; 1, a "plain" node holding one element of 1 GB
// or more) and its bytes as an RDB string, LZF-compressed as strings are.
// Since a list.List's nodes are Redis's listpacks, split as Redis splits
// them, DUMP gives Redis's bytes. RESTORE also takes RDB_TYPE_LIST, a
// plain sequence of strings; not the ziplist-based types of Redis 6 and
// older (10 and 14).
const (
	rdbTypeList           = 1
	rdbTypeListQuicklist2 = 18

	quicklistPlain  = 1
	quicklistPacked = 2
)

func init() {
	rdbLoaders[rdbTypeListQuicklist2] = loadQuicklist
	rdbLoaders[rdbTypeList] = loadPlainList
}

// AppendRDB writes the list as Redis 7.0 does (rdbEncoder).
func (lv *listValue) AppendRDB(dst []byte) (byte, []byte) {
	dst = appendRDBLen(dst, uint64(lv.Nodes()))
	for lp := range lv.Listpacks() {
		dst = appendRDBLen(dst, quicklistPacked)
		dst = appendRDBString(dst, lp)
	}
	return rdbTypeListQuicklist2, dst
}

// restoredList is an empty list for RESTORE or a snapshot's load, with
// the node size configured now, as Redis sets it when it loads the value.
func restoredList(r *rdbReader) *listValue {
	return &listValue{List: *list.New(int(r.config().Int("list-max-listpack-size")))}
}

// loadQuicklist reads an RDB_TYPE_LIST_QUICKLIST_2 value. Empty nodes are
// skipped and an empty list is an error, as in Redis.
func loadQuicklist(r *rdbReader) (*engine.Entry, error) {
	n, enc, err := r.readLen()
	if err != nil || enc {
		return nil, errBadRDB
	}
	lv := restoredList(r)
	for range n {
		container, enc, err := r.readLen()
		if err != nil || enc {
			return nil, errBadRDB
		}
		data, err := r.readString()
		if err != nil {
			return nil, err
		}
		switch container {
		case quicklistPlain:
			lv.AppendPlain(data)
		case quicklistPacked:
			if lv.AppendListpack(data) != nil {
				return nil, errBadRDB
			}
		default:
			return nil, errBadRDB
		}
	}
	return listEntry(lv)
}

// loadPlainList reads an RDB_TYPE_LIST value: its length, then each
// element, pushed at the tail.
func loadPlainList(r *rdbReader) (*engine.Entry, error) {
	n, enc, err := r.readLen()
	if err != nil || enc {
		return nil, errBadRDB
	}
	lv := restoredList(r)
	for range n {
		s, err := r.readString()
		if err != nil {
			return nil, err
		}
		lv.Push(s, false)
	}
	return listEntry(lv)
}

func listEntry(lv *listValue) (*engine.Entry, error) {
	if lv.Len() == 0 {
		return nil, errBadRDB
	}
	return &engine.Entry{Kind: engine.KindList, Obj: lv}, nil
}
