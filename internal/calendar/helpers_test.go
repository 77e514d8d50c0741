package calendar

import (
	"sync"
	"testing"
	"time"
)

var defaultCalendar = sync.OnceValues(func() (*Calendar, error) { return New(DefaultConfig()) })

// def returns the calendar of DefaultConfig, built once.
func def(t testing.TB) *Calendar {
	t.Helper()
	c, err := defaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustNew(t testing.TB, cfg Config) *Calendar {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// at parses an instant or fails the test.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := ParseInstant(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// day returns midnight of a YYYY-MM-DD date or fails the test.
func day(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d.Time()
}
