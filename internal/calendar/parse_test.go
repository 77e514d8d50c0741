package calendar

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"
)

func TestEmbeddedInSync(t *testing.T) {
	shared, err := os.ReadFile("../../../shared/data/holidays-vn.json")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("shared/data/holidays-vn.json is not beside the repository")
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shared, embedded) {
		t.Error("internal/calendar/holidays-vn.json differs from shared/data/holidays-vn.json: copy it over")
	}
}

func TestParseSchedules(t *testing.T) {
	s := Announced()
	if len(s) != 3 || len(s[2026].DaysOff) != 5 || len(s[2026].WorkingSaturdays) != 2 {
		t.Fatalf("embedded schedules: %+v", s)
	}
	for name, doc := range map[string]string{
		"not JSON":        `{"years":`,
		"bad year":        `{"years":{"1800":{}}}`,
		"bad date":        `{"years":{"2027":{"days_off":[{"from":"2027-02-30","to":"2027-03-01","name":"x"}]}}}`,
		"reversed range":  `{"years":{"2027":{"days_off":[{"from":"2027-02-10","to":"2027-02-01","name":"x"}]}}}`,
		"long range":      `{"years":{"2027":{"days_off":[{"from":"2027-01-01","to":"2027-03-01","name":"x"}]}}}`,
		"no name":         `{"years":{"2027":{"days_off":[{"from":"2027-02-01","to":"2027-02-01"}]}}}`,
		"missing from":    `{"years":{"2027":{"days_off":[{"to":"2027-02-01","name":"x"}]}}}`,
		"not a Saturday":  `{"years":{"2027":{"working_saturdays":["2027-01-04"]}}}`,
		"year not number": `{"years":{"abc":{}}}`,
	} {
		if _, err := ParseSchedules([]byte(doc)); err == nil {
			t.Errorf("%s: ParseSchedules accepted %s", name, doc)
		}
	}
}

func TestParsers(t *testing.T) {
	for s, want := range map[string]Duration{
		"5d": {Value: 5, Unit: WorkingDays}, "0d": {Unit: SameDay}, "8h": {Value: 8, Unit: WorkingHours},
		"30cd": {Value: 30, Unit: CalendarDays}, "0cd": {Unit: CalendarDays}, "007d": {Value: 7, Unit: WorkingDays},
	} {
		if got, err := ParseDuration(s); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %+v, %v; want %+v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "d", "5", "-1d", "+1d", "1.5d", "5 d", "5D", "0h", "5w", "1cdd", "100001d", "99999999999999999999d"} {
		if _, err := ParseDuration(s); err == nil {
			t.Errorf("ParseDuration(%q) accepted", s)
		}
	}
	for s, want := range map[string]Date{"2025-04-26": {2025, 4, 26}, "26/04/2025": {2025, 4, 26}, "1/1/1900": {1900, 1, 1}, "2100-12-31": {2100, 12, 31}, "29/2/2024": {2024, 2, 29}} {
		if got, err := ParseDate(s); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "2025-02-31", "31/2/2025", "29/2/2025", "2025-4-26", "31/12/1899", "2101-01-01", "2025/04/26", "26-04-2025", "-1/4/2025", "2025-04-26T00:00"} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
	for s, want := range map[string]string{
		"2025-01-23T10:00:00+07:00": "2025-01-23T10:00:00+07:00",
		"2025-01-23T03:00:00Z":      "2025-01-23T10:00:00+07:00",
		"2025-01-23T10:00:00":       "2025-01-23T10:00:00+07:00",
		"2025-01-23T10:00":          "2025-01-23T10:00:00+07:00",
		"2025-01-23 10:00":          "2025-01-23T10:00:00+07:00",
		"2025-01-23T10:00:00.5":     "2025-01-23T10:00:00.5+07:00",
	} {
		if got, err := ParseInstant(s); err != nil || got.Format(time.RFC3339Nano) != want {
			t.Errorf("ParseInstant(%q) = %s, %v; want %s", s, got.Format(time.RFC3339Nano), err, want)
		}
	}
	for _, s := range []string{"", "2025-01-23", "2025-02-30T10:00:00+07:00", "2025-01-23T25:00", "1899-12-31T10:00:00+07:00", "2100-12-31T20:00:00-05:00", "yesterday"} {
		if _, err := ParseInstant(s); err == nil {
			t.Errorf("ParseInstant(%q) accepted", s)
		}
	}
	for s, want := range map[string]int{"15:00": 900, "0:00": 0, "23:59": 1439, "07:30": 450} {
		if got, err := ParseClock(s); err != nil || got != want {
			t.Errorf("ParseClock(%q) = %d, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "24:00", "15", "15:0", "15:60", "-1:00", "1:2:3", "015:00"} {
		if _, err := ParseClock(s); err == nil {
			t.Errorf("ParseClock(%q) accepted", s)
		}
	}
}

func FuzzParseDuration(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("ParseDuration(%q) = %+v, invalid: %v", s, d, err)
		}
		if again, err := ParseDuration(d.String()); err != nil || again != d {
			t.Fatalf("round trip %q → %+v → %q → %+v, %v", s, d, d.String(), again, err)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if !d.valid() {
			t.Fatalf("ParseDate(%q) = %v, not a valid date", s, d)
		}
		if again, err := ParseDate(d.String()); err != nil || again != d {
			t.Fatalf("round trip %q → %v → %v, %v", s, d, again, err)
		}
	})
}

func FuzzParseInstant(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseInstant(s)
		if err != nil {
			return
		}
		if v.Location() != Zone || v.Year() < MinYear || v.Year() > MaxYear {
			t.Fatalf("ParseInstant(%q) = %s", s, v)
		}
		if again, err := ParseInstant(v.Format(time.RFC3339Nano)); err != nil || !again.Equal(v) {
			t.Fatalf("round trip %q → %s → %s, %v", s, v, again, err)
		}
		def(t).IsWorkingDay(v) // must not panic
	})
}

func FuzzParseSchedules(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSchedules(b)
		if err != nil {
			return
		}
		cfg := DefaultConfig()
		cfg.Schedules = s
		if _, err := New(cfg); err != nil {
			t.Fatalf("ParseSchedules accepted what New rejects: %v", err)
		}
	})
}
