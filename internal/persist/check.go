package persist

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// CheckResult is what checking one log file found.
type CheckResult struct {
	File     string
	Size     int64
	Commands int64
	// Good is where the file's valid part ends: its size when the file is
	// sound, else the offset a repair would cut it at.
	Good int64
	// Problem is empty for a sound file.
	Problem string
}

// CheckAOF reads the commands of a log file without running them: path is
// an incremental or command base file, or a manifest, whose command files
// are then checked in order.
func CheckAOF(path string) ([]CheckResult, error) {
	if strings.HasSuffix(path, ".manifest") {
		dir := filepath.Dir(path)
		files, exists, err := OpenFiles(filepath.Dir(dir), filepath.Base(dir), strings.TrimSuffix(filepath.Base(path), ".manifest"))
		if err != nil {
			return nil, err
		}
		if !exists {
			return nil, errors.New("no manifest at " + path)
		}
		var out []CheckResult
		paths := files.IncrPaths()
		if base, snapshot := files.BasePath(); base != "" && !snapshot {
			paths = append([]string{base}, paths...)
		}
		for _, p := range paths {
			r, err := checkFile(p)
			if err != nil {
				return out, err
			}
			out = append(out, r)
		}
		return out, nil
	}
	r, err := checkFile(path)
	return []CheckResult{r}, err
}

func checkFile(path string) (CheckResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return CheckResult{}, err
	}
	defer f.Close()
	res := CheckResult{File: path, Size: fileSizeOf(path)}
	sc := newCommandScanner(f)
	multiAt := int64(-1)
	for {
		args, err := sc.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			res.Good, res.Problem = sc.start, err.Error()
			if multiAt >= 0 {
				res.Good = multiAt
			}
			return res, nil
		}
		switch {
		case isWord(args[0], "multi"):
			if multiAt >= 0 {
				res.Good, res.Problem = sc.start, "nested MULTI"
				return res, nil
			}
			multiAt = sc.start
		case isWord(args[0], "exec"):
			multiAt = -1
		}
		res.Commands++
		res.Good = sc.offset
	}
	if multiAt >= 0 {
		res.Good, res.Problem = multiAt, "MULTI without EXEC at the end"
	}
	return res, nil
}

// Repair cuts a log file at the end of its valid part.
func Repair(r CheckResult) error { return os.Truncate(r.File, r.Good) }
