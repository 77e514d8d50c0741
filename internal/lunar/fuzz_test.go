package lunar

import "testing"

// FuzzParse checks that Parse never panics, that its errors wrap a
// sentinel, and that the String of a parsed date parses back to it.
// Seeds live in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1/1/2025", "30/12/2100", " 1/6N/2025 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkParse(t, s)
	})
}
