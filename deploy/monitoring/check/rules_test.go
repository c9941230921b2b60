// Checks deploy/monitoring with Prometheus's own code (what promtool does, without building it): the
// alert rules load (rulefmt, as `promtool check rules`), every dashboard query parses, and each alert
// fires on the series of its scenario in testdata/ and not on the others (the PromQL engine, as
// `promtool test rules` evaluates). Run by `npm test` (deploy/monitoring/monitoring.int.test.ts).
package check

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
)

var promql = parser.NewParser(parser.Options{})

func alertRules(t *testing.T) map[string]rulefmt.Rule {
	t.Helper()
	groups, errs := rulefmt.ParseFile("../alerts.yaml", false, model.UTF8Validation, promql, nil)
	for _, err := range errs {
		t.Errorf("alerts.yaml: %v", err)
	}
	if groups == nil {
		t.FailNow()
	}
	rules := map[string]rulefmt.Rule{}
	for _, group := range groups.Groups {
		for _, rule := range group.Rules {
			if rule.Alert == "" {
				continue
			}
			if _, dup := rules[rule.Alert]; dup {
				t.Errorf("alert %s is defined twice", rule.Alert)
			}
			if rule.Labels["severity"] == "" || rule.Annotations["summary"] == "" {
				t.Errorf("alert %s needs a severity label and a summary", rule.Alert)
			}
			rules[rule.Alert] = rule
		}
	}
	return rules
}

func TestAlertRulesLoad(t *testing.T) {
	rules := alertRules(t)
	for _, want := range []string{"FailbackPlanNeedsAttention", "FailbackGateWaitingPastWindow", "FailbackWorkerDown"} {
		if _, ok := rules[want]; !ok {
			t.Errorf("alerts.yaml has no %s", want)
		}
	}
}

func TestDashboardQueriesParse(t *testing.T) {
	raw, err := os.ReadFile("../grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dashboard struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dashboard); err != nil {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	variables := strings.NewReplacer("$__rate_interval", "5m", "$__interval", "1m", "$__range", "1h")
	queries := 0
	for _, panel := range dashboard.Panels {
		for _, target := range panel.Targets {
			queries++
			if _, err := promql.ParseExpr(variables.Replace(target.Expr)); err != nil {
				t.Errorf("panel %q: %s: %v", panel.Title, target.Expr, err)
			}
		}
	}
	if queries == 0 {
		t.Error("the dashboard has no queries")
	}
}

var placeholder = regexp.MustCompile(`\{\{alert:([A-Za-z]+)\}\}`)

// Each testdata/*.test is a promqltest script in which {{alert:Name}} stands for that alert's expr.
func TestAlertScenarios(t *testing.T) {
	rules := alertRules(t)
	files, _ := filepath.Glob("testdata/*.test")
	if len(files) == 0 {
		t.Fatal("no scenarios in testdata/")
	}
	tested := map[string]bool{}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		script := placeholder.ReplaceAllStringFunc(string(raw), func(m string) string {
			name := placeholder.FindStringSubmatch(m)[1]
			rule, ok := rules[name]
			if !ok {
				t.Fatalf("%s: no alert %s", file, name)
			}
			tested[name] = true
			return strings.Join(strings.Fields(rule.Expr), " ")
		})
		t.Run(filepath.Base(file), func(t *testing.T) {
			promqltest.RunTest(t, script, promqltest.NewTestEngine(t, false, 0, promqltest.DefaultMaxSamplesPerQuery))
		})
	}
	for name := range rules {
		if !tested[name] {
			t.Errorf("alert %s has no scenario in testdata/", name)
		}
	}
}
