package calendar

import (
	"testing"
	"time"
)

// Each benchmark runs the table-based arithmetic (fast) beside the naive
// day-by-day reference of naive_test.go on the same input.

var sinkTime time.Time
var sinkInt int

func benchDue(b *testing.B, n int) {
	c := def(b)
	nv := newNaive(c, DefaultConfig())
	at := time.Date(2025, 11, 20, 10, 0, 0, 0, Zone) // crosses Tết Bính Ngọ from 30 days on
	d := Duration{Value: n, Unit: WorkingDays}
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			sinkTime, _ = c.Due(at, d)
		}
	})
	b.Run("naive", func(b *testing.B) {
		for b.Loop() {
			sinkTime = nv.due(at, d)
		}
	})
}

func BenchmarkDue5(b *testing.B)   { benchDue(b, 5) }
func BenchmarkDue30(b *testing.B)  { benchDue(b, 30) }
func BenchmarkDue110(b *testing.B) { benchDue(b, 110) }

func BenchmarkWorkingMinutesYear(b *testing.B) {
	c := def(b)
	nv := newNaive(c, DefaultConfig())
	from := time.Date(2025, 3, 5, 9, 15, 0, 0, Zone)
	to := from.AddDate(1, 0, 0)
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			sinkInt = c.WorkingMinutes(from, to)
		}
	})
	b.Run("naive", func(b *testing.B) {
		for b.Loop() {
			sinkInt = nv.minutes(from, to)
		}
	})
}

func BenchmarkAddWorkingMinutes(b *testing.B) {
	c := def(b)
	from := time.Date(2025, 3, 5, 9, 15, 0, 0, Zone)
	for b.Loop() {
		sinkTime = c.AddWorkingMinutes(from, 110*480)
	}
}

func BenchmarkNew(b *testing.B) {
	cfg := DefaultConfig()
	for b.Loop() {
		if _, err := New(cfg); err != nil {
			b.Fatal(err)
		}
	}
}
