package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const referenceWhatIf = `{
  "progress": {"totalReceived": 326, "totalOnTime": 207},
  "payment": {"totalDossierOnlinePaymentSuccess": 0, "totalDossierFinancialObligation": 0,
              "totalDossierOnlineFormalityPaymentSuccess": 0, "totalFeeDossierFormality": 0, "totalFeeFormality": 0},
  "online": {"authorityCount": 0, "partialCount": 0, "fullCount": 0, "onlineDossierCount": 0,
             "onlineServiceTotal": 0, "channelOnlineSum": 0, "channelTotalSum": 0},
  "metrics": {"DOSSIER_RECEIVING_SATISFACTION": {"numerator": 205, "denominator": 326}}
}`

func TestScorecardWhatIf(t *testing.T) {
	want := `{"groups":{"progress":{"ratio":63.5,"score":12.7,"max":20},"satisfaction":{"ratio":23.28,"score":4.19,"max":18}},` +
		`"metrics":{"DOSSIER_RECEIVING_SATISFACTION":{"ratio":62.88,"score":4.19,"max":6}},"total":{"score":16.89,"max":38}}`
	compact := func(s string) string {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, s)
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	code, out, errs := run(t, nil, referenceWhatIf, "scorecard", "what-if")
	if code != 0 || compact(out) != compact(want) || errs != "" {
		t.Fatalf("stdin: %d %s %s", code, out, errs)
	}
	file := filepath.Join(t.TempDir(), "input.json")
	os.WriteFile(file, []byte(referenceWhatIf), 0o600)
	if code, out, _ := run(t, nil, "", "scorecard", "what-if", "--file", file); code != 0 || compact(out) != compact(want) {
		t.Fatalf("--file: %d %s", code, out)
	}
	for _, c := range []struct {
		stdin string
		args  []string
		says  string
	}{
		{`{"progress": {"totalReceived": 200, "totalOnTime": 207}}`, nil, "progress.totalOnTime: tử số (207) lớn hơn mẫu số"},
		{`{"metrics": {"NOPE": {"numerator": 1, "denominator": 1}}}`, nil, "metrics.NOPE: mã chỉ số không có"},
		{`{"progress": {"totalReceived": -1, "totalOnTime": 0}}`, nil, "progress.totalReceived: không được là số âm"},
		{`{"progress": {"totalReceived": 3}}`, nil, "progress.totalOnTime: thiếu trường bắt buộc"},
		{"326/207", nil, "không phải JSON hợp lệ"},
		{"", nil, "Không có dữ liệu"},
		{"", []string{"--file", filepath.Join(t.TempDir(), "missing.json")}, "no such file"},
	} {
		code, out, errs := run(t, nil, c.stdin, append([]string{"scorecard", "what-if"}, c.args...)...)
		if code != 2 || out != "" || !strings.Contains(errs, c.says) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%q %v: exit %d, stdout %q, stderr %q", c.stdin, c.args, code, out, errs)
		}
	}
	if code, _, _ := run(t, nil, "", "scorecard"); code != 2 {
		t.Errorf("no subcommand: exit %d", code)
	}
	if code, _, _ := run(t, nil, "", "scorecard", "frobnicate"); code != 2 {
		t.Errorf("unknown subcommand: exit %d", code)
	}
	if code, out, _ := run(t, nil, "", "scorecard", "help"); code != 0 || !strings.Contains(out, "what-if") {
		t.Errorf("help: %d %q", code, out)
	}
}

func TestScorecardRebuild(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "d.db")
	vars := []string{"DUNGHAN_DATABASE_URL=" + db}
	if code, _, errs := run(t, vars, "", "scorecard", "rebuild"); code != 1 || !strings.Contains(errs, "no agency") {
		t.Fatalf("empty database: %d %s", code, errs)
	}
}
