package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// SavePoint is one pair of the save directive: snapshot when at least
// Changes writes happened and Seconds passed since the last save.
type SavePoint struct {
	Seconds, Changes int64
}

var errSavePoints = errors.New("Invalid save parameters")

// ParseSavePoints reads a save value: "" (no schedule) or pairs of
// non-negative integers separated by single spaces, as Redis 7.0 accepts.
func ParseSavePoints(v string) ([]SavePoint, error) {
	if v == "" {
		return nil, nil
	}
	f := strings.Split(v, " ")
	if len(f)%2 != 0 {
		return nil, errSavePoints
	}
	var out []SavePoint
	for i := 0; i < len(f); i += 2 {
		secs, err1 := strconv.ParseInt(f[i], 10, 64)
		changes, err2 := strconv.ParseInt(f[i+1], 10, 64)
		if err1 != nil || err2 != nil || secs < 0 || changes < 0 {
			return nil, errSavePoints
		}
		out = append(out, SavePoint{secs, changes})
	}
	return out, nil
}

// addSavePoints returns the schedule after a save line read at start-up.
// As Redis reads them, the save lines of the file and the flags add up:
// the first replaces the default schedule, each next one adds its points,
// and save "" clears the points before it. (CONFIG SET save replaces.)
func (c *Config) addSavePoints(v string) string {
	first := !c.saveLoaded
	c.saveLoaded = true
	old := c.String("save")
	if first || v == "" || old == "" {
		return v
	}
	return old + " " + v
}

// rewriteSavePoints writes the schedule as Redis does, whatever it is: a
// save line per point, or save "" for none (so that a restart does not
// fall back to the default schedule).
func rewriteSavePoints(p *param, value string) []fileLine {
	points, _ := ParseSavePoints(value)
	if len(points) == 0 {
		return []fileLine{{p.name + ` ""`, true}}
	}
	lines := make([]fileLine, len(points))
	for i, sp := range points {
		lines[i] = fileLine{fmt.Sprintf("%s %d %d", p.name, sp.Seconds, sp.Changes), true}
	}
	return lines
}

func checkSavePoints(v string) error {
	_, err := ParseSavePoints(v)
	return err
}

// checkFileName refuses a dbfilename that is a path: the file lives in
// dir.
func checkFileName(v string) error {
	if v == "" || strings.ContainsRune(v, '/') {
		return errors.New("dbfilename can't be a path, just a filename")
	}
	return nil
}
