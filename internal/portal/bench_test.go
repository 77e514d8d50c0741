package portal_test

import (
	"encoding/json"
	"testing"
	"time"

	"dunghan/internal/dossier"
	"dunghan/internal/portal"
)

// benchHistory is a dossier with a supplement, a payment, a reschedule and a return.
func benchHistory(b *testing.B) []dossier.Event {
	mon := vn(2025, 3, 3, 9, 0)
	return history(b, proc("1.005095"), receive(mon), toSpecialist(mon.Add(time.Hour)),
		step{mon.Add(2 * time.Hour), spec, dossier.RequestSupplement{Reason: "Thiếu báo cáo", Missing: []dossier.Document{{Name: "Báo cáo", Copies: 1}}}},
		step{vn(2025, 3, 5, 9, 0), desk, dossier.ReceiveSupplement{}},
		step{vn(2025, 3, 5, 10, 0), spec, dossier.RequestPayment{Amount: 50000}},
		step{vn(2025, 3, 5, 11, 0), desk, dossier.ConfirmPayment{PaidOnline: true}},
		step{vn(2025, 3, 10, 9, 0), leader, dossier.Reschedule{Promised: vn(2025, 3, 20, 17, 0), Reason: "Cần xác minh"}},
		step{vn(2025, 3, 12, 9, 0), leader, dossier.Resolve{Approved: true, Results: []string{"Quyết định"}}},
		step{vn(2025, 3, 12, 10, 0), desk, dossier.Return{To: "Nguyễn Văn An", Method: "trực tiếp"}})
}

// BenchmarkMap maps a nine-event dossier to its record and steps, as a
// delivery does; BenchmarkMapBaseline only replays and encodes the events,
// the least any delivery must do.
func BenchmarkMap(b *testing.B) {
	events, cal := benchHistory(b), testCal(b)
	for b.Loop() {
		d, steps, err := portal.Map(events, cal, dir)
		if err != nil || len(steps) != len(events) {
			b.Fatal(err)
		}
		_ = portal.Hash(d)
	}
}

func BenchmarkMapBaseline(b *testing.B) {
	events := benchHistory(b)
	for b.Loop() {
		if _, err := dossier.Replay(events); err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(events); err != nil {
			b.Fatal(err)
		}
	}
}
