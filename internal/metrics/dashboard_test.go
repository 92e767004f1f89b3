package metrics_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/shoal-cache/shoal/internal/metrics"
)

// dashboard is the part of Grafana's dashboard model the test checks.
type dashboard struct {
	Title         string `json:"title"`
	UID           string `json:"uid"`
	SchemaVersion int    `json:"schemaVersion"`
	Panels        []struct {
		ID      int    `json:"id"`
		Type    string `json:"type"`
		Title   string `json:"title"`
		GridPos struct {
			X, Y, W, H int
		} `json:"gridPos"`
		Targets []struct {
			Expr  string `json:"expr"`
			RefID string `json:"refId"`
		} `json:"targets"`
	} `json:"panels"`
	Templating struct {
		List []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"list"`
	} `json:"templating"`
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	data, err := os.ReadFile("../../deploy/grafana/shoal.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("deploy/grafana/shoal.json is not valid JSON: %v", err)
	}
	return d
}

// exportedMetrics returns the names of the metrics a Collector describes.
func exportedMetrics(t *testing.T) map[string]bool {
	t.Helper()
	reg := prometheus.NewRegistry()
	c, err := metrics.Register(reg, newNode())
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan *prometheus.Desc, 64)
	go func() { c.Describe(ch); close(ch) }()
	names := map[string]bool{}
	fqName := regexp.MustCompile(`fqName: "([^"]+)"`)
	for d := range ch {
		names[fqName.FindStringSubmatch(d.String())[1]] = true
	}
	return names
}

var metricName = regexp.MustCompile(`\bshoal_[a-z_]+`)

// TestDashboard: the Grafana dashboard parses, its panels are laid out
// without overlap, every query names metrics Shoal exports, and the
// panels the dashboard exists for are there.
func TestDashboard(t *testing.T) {
	d := loadDashboard(t)
	if d.Title == "" || d.UID == "" || d.SchemaVersion == 0 {
		t.Errorf("title %q, uid %q, schemaVersion %d: all are required", d.Title, d.UID, d.SchemaVersion)
	}
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Type
	}
	if vars["datasource"] != "datasource" || vars["instance"] != "query" {
		t.Errorf("template variables %v, want datasource and instance", vars)
	}
	exported := exportedMetrics(t)
	used := map[string]bool{}
	ids := map[int]bool{}
	var grid [][24]bool
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d used twice", p.ID)
		}
		ids[p.ID] = true
		g := p.GridPos
		if g.W <= 0 || g.H <= 0 || g.X < 0 || g.X+g.W > 24 {
			t.Errorf("panel %q: gridPos %+v out of the 24-column grid", p.Title, g)
		}
		for y := g.Y; y < g.Y+g.H; y++ {
			for len(grid) <= y {
				grid = append(grid, [24]bool{})
			}
			for x := g.X; x < min(g.X+g.W, 24); x++ {
				if grid[y][x] {
					t.Errorf("panel %q overlaps another at (%d,%d)", p.Title, x, y)
				}
				grid[y][x] = true
			}
		}
		if p.Type == "row" {
			continue
		}
		if p.Title == "" || len(p.Targets) == 0 {
			t.Errorf("panel %d (%q) has no title or no query", p.ID, p.Title)
		}
		for _, target := range p.Targets {
			checkExpr(t, p.Title, target.Expr)
			for _, name := range metricName.FindAllString(target.Expr, -1) {
				base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_count"), "_sum")
				if !exported[base] {
					t.Errorf("panel %q queries %s, which Shoal does not export", p.Title, name)
				}
				used[base] = true
			}
		}
	}
	for _, name := range []string{"shoal_commands_total", "shoal_command_duration_seconds", "shoal_keyspace_hits_total",
		"shoal_keyspace_misses_total", "shoal_used_memory_bytes", "shoal_keys", "shoal_connected_clients",
		"shoal_net_input_bytes_total", "shoal_net_output_bytes_total", "shoal_slot_keys_imbalance"} {
		if !used[name] {
			t.Errorf("no panel shows %s", name)
		}
	}
}

// checkExpr catches the slips a hand-edited query is prone to: unbalanced
// brackets and a rate() without a range.
func checkExpr(t *testing.T, panel, expr string) {
	t.Helper()
	depth := map[byte]int{}
	pairs := map[byte]byte{')': '(', ']': '[', '}': '{'}
	for i := range len(expr) {
		switch c := expr[i]; c {
		case '(', '[', '{':
			depth[c]++
		case ')', ']', '}':
			if depth[pairs[c]]--; depth[pairs[c]] < 0 {
				t.Errorf("panel %q: unbalanced %c in %s", panel, c, expr)
			}
		}
	}
	for c, n := range depth {
		if n != 0 {
			t.Errorf("panel %q: unbalanced %c in %s", panel, c, expr)
		}
	}
	if strings.Contains(expr, "rate(") && !strings.Contains(expr, "[$__rate_interval]") {
		t.Errorf("panel %q: rate() without [$__rate_interval] in %s", panel, expr)
	}
}

// TestDocsListEveryMetric: docs/metrics.md describes every metric Shoal
// exports.
func TestDocsListEveryMetric(t *testing.T) {
	doc, err := os.ReadFile("../../docs/metrics.md")
	if err != nil {
		t.Fatal(err)
	}
	for name := range exportedMetrics(t) {
		if !strings.Contains(string(doc), "`"+name+"`") {
			t.Errorf("docs/metrics.md does not describe %s", name)
		}
	}
}
