//go:build !unix

package persist

func umask() int { return 0 }
