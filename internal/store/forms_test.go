package store_test

import (
	"context"
	"slices"
	"testing"

	"dunghan/internal/apperr"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

// TestRegisterNumbersEachYearFromOne receives dossiers on both sides of a
// new year, at the desk and at another unit, and checks the register's
// numbers: continuous per receiving unit, restarting on 1 January, in the
// order of acceptance then code, whatever range is printed.
func TestRegisterNumbersEachYearFromOne(t *testing.T) {
	eachFixture(t, vn("2025-12-29 09:00"), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		desk := f.actors["motcua1"]
		other, err := f.s.UnitByCode(ctx, f.agency, "GDTrH")
		if err != nil {
			t.Fatal(err)
		}
		elsewhere := desk
		elsewhere.UnitID = other.ID
		codes := map[string]string{}
		receive := func(at, name string, by dossier.Actor) {
			f.at(at)
			rec := f.must(t, store.Exec{Actor: by, ProcedureID: f.procs["edu-001"], Command: dossier.Receive{
				Channel: dossier.InPerson, Applicant: dossier.Applicant{Name: "Nguyễn Văn " + name}}})
			codes[name] = rec.State.Code
		}
		receive("2025-12-29 09:00", "A", desk)
		receive("2025-12-30 10:00", "B", desk)
		receive("2025-12-30 10:00", "C", elsewhere) // another receiving unit: its own register
		receive("2025-12-31 08:00", "D", desk)
		receive("2026-01-02 08:00", "E", desk)
		receive("2026-01-02 08:00", "F", desk) // same instant: by code
		receive("2026-01-05 14:00", "G", desk)
		f.at("2026-01-05 15:00")
		f.must(t, store.Exec{Actor: desk, ProcedureID: f.procs["edu-001"], Command: dossier.RefuseAtIntake{
			Channel: dossier.InPerson, Applicant: dossier.Applicant{Name: "Trần Thị H"}, Reason: "Không thuộc thẩm quyền"}})

		type line struct {
			no   int
			code string
		}
		lines := func(unit string, from, to string) []line {
			t.Helper()
			got, err := f.s.Register(ctx, f.agency, unit, vn(from), vn(to))
			if err != nil {
				t.Fatal(err)
			}
			var out []line
			for _, e := range got {
				if e.State.Code != e.Events[0].Intake.Code || e.ID == "" || len(e.Events) == 0 {
					t.Fatalf("entry %d: %+v", e.No, e.State)
				}
				out = append(out, line{e.No, e.State.Code})
			}
			return out
		}
		for _, c := range []struct {
			unit, from, to string
			want           []line
		}{
			{desk.UnitID, "2025-12-30 00:00", "2026-01-06 00:00", []line{{2, codes["B"]}, {3, codes["D"]}, {1, codes["E"]}, {2, codes["F"]}, {3, codes["G"]}}},
			{desk.UnitID, "2026-01-02 00:00", "2026-01-03 00:00", []line{{1, codes["E"]}, {2, codes["F"]}}},
			{desk.UnitID, "2026-01-05 00:00", "2026-01-06 00:00", []line{{3, codes["G"]}}},
			{desk.UnitID, "2025-12-29 00:00", "2025-12-30 00:00", []line{{1, codes["A"]}}},
			{other.ID, "2025-12-01 00:00", "2026-02-01 00:00", []line{{1, codes["C"]}}},
			{desk.UnitID, "2026-02-01 00:00", "2026-03-01 00:00", nil},
		} {
			if got := lines(c.unit, c.from, c.to); !slices.Equal(got, c.want) {
				t.Errorf("register %s – %s: %v, want %v", c.from, c.to, got, c.want)
			}
		}
		if codes["E"] > codes["F"] {
			t.Fatalf("codes of one instant out of order: %s %s", codes["E"], codes["F"])
		}
		if _, err := f.s.Register(ctx, f.agency, desk.UnitID, vn("2026-01-05 00:00"), vn("2026-01-05 00:00")); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("empty range: %v", err)
		}
		a, err := f.s.AgencyByID(ctx, f.agency)
		if err != nil || a.Code != "000.00.08.H44" || a.Name == "" {
			t.Errorf("agency: %+v %v", a, err)
		}
		if _, err := f.s.AgencyByID(ctx, "nope"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("unknown agency: %v", err)
		}
	})
}
