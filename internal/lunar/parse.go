package lunar

import (
	"fmt"
	"strings"
)

// Parse reads a lunar date written "d/m/yyyy", with "n" (or "N") right
// after the month for a leap month: "10/3/2026", "1/6n/2025". Spaces
// around the whole text and around each field are ignored. The date must
// exist and lie in the supported range: malformed text gives ErrSyntax,
// a nonexistent date ErrNoSuchDate, an unsupported one ErrOutOfRange.
func Parse(s string) (Date, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return Date{}, syntaxError(s)
	}
	ms := strings.TrimSpace(parts[1])
	leap := false
	if n := len(ms); n > 0 && (ms[n-1] == 'n' || ms[n-1] == 'N') {
		leap = true
		ms = ms[:n-1]
	}
	day, ok1 := parseDigits(strings.TrimSpace(parts[0]))
	month, ok2 := parseDigits(ms)
	year, ok3 := parseDigits(strings.TrimSpace(parts[2]))
	if !ok1 || !ok2 || !ok3 {
		return Date{}, syntaxError(s)
	}
	d := Date{Year: year, Month: month, Day: day, Leap: leap}
	if _, err := d.dayNumber(); err != nil {
		return Date{}, fmt.Errorf("lunar: parse %q: %w", s, err)
	}
	return d, nil
}

func syntaxError(s string) error {
	return fmt.Errorf("lunar: parse %q: %w", s, ErrSyntax)
}

// parseDigits parses 1 to 9 ASCII decimal digits (no sign).
func parseDigits(s string) (int, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
