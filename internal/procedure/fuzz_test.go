package procedure

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzParseCatalogue checks that no input makes the parser panic, that every
// error is one line of valid UTF-8, and that what it accepts is clean. The
// seed corpus is in testdata/fuzz/FuzzParseCatalogue.
func FuzzParseCatalogue(f *testing.F) {
	f.Add([]byte(`[]`))
	f.Add(array(rec))
	f.Add(array(recWith("a", `"duration": {"value": 0, "unit": "same_day"}, "steps": [{"role": "Trả kết quả", "actor": "x", "duration": null}]`)))
	f.Add([]byte("[{\"id\": \"a\", \"name\": \"Chi\u0309nh\"}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := ParseCatalogue(data)
		if err != nil {
			msg := err.Error()
			if strings.ContainsAny(msg, "\n\r") || !utf8.ValidString(msg) {
				t.Fatalf("bad error message %q", msg)
			}
			if ps != nil {
				t.Fatal("procedures returned with an error")
			}
			return
		}
		ids := map[string]bool{}
		for _, p := range ps {
			if p.Key == "" || p.Name == "" || ids[p.Key] {
				t.Fatalf("bad or duplicate key %q / name %q", p.Key, p.Name)
			}
			ids[p.Key] = true
			for _, s := range []string{p.Key, p.Code, p.Name, p.Field, p.FieldCode, p.Level, p.DurationText, p.Fee, p.Source} {
				if !utf8.ValidString(s) || !norm.NFC.IsNormalString(s) || s != strings.TrimSpace(s) {
					t.Fatalf("unclean string %q", s)
				}
			}
			if p.Legal != nil {
				if err := ValidateLegal(*p.Legal); err != nil {
					t.Fatalf("%s: accepted an invalid legal duration: %v", p.Key, err)
				}
			}
			for _, s := range p.Steps {
				if s.Budget < 0 || (s.External && s.Role != "") || (!s.External && !s.Role.Valid()) {
					t.Fatalf("%s: bad step %+v", p.Key, s)
				}
			}
			if p.Fingerprint() != p.Fingerprint() {
				t.Fatal("unstable fingerprint")
			}
		}
		// Import must not panic either; a plan may legitimately not fit.
		if imported, err := Import(data, 0); err == nil {
			for _, p := range imported {
				if len(p.Steps) == 0 || p.CheckPlan(0) != nil {
					t.Fatalf("%s: Import returned a bad plan", p.Key)
				}
			}
		}
	})
}
