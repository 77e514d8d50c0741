package store_test

import (
	"context"
	"testing"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/procedure"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
)

func sample() []procedure.Procedure {
	five := &calendar.Duration{Value: 5, Unit: calendar.WorkingDays}
	p := []procedure.Procedure{
		{Key: "edu-001", Code: "2.001914.000.00.00.H50", Version: procedure.Version{Name: "Chỉnh sửa nội dung văn bằng, chứng chỉ", Field: "Văn bằng, chứng chỉ", Legal: five, Online: procedure.OnlineFull, Fee: "Không", RequiredDocuments: []string{"Đơn đề nghị"}}},
		{Key: "edu-048", Version: procedure.Version{Name: "Thủ tục chưa có thời hạn", Online: procedure.OnlineNone}},
	}
	for i := range p {
		p[i].EnsurePlan(480)
	}
	return p
}

func newAgency(t *testing.T, s *store.Store) agency.Agency {
	t.Helper()
	a, err := s.CreateAgency(context.Background(), agency.Agency{Code: "000.00.08.H44", Name: "Sở GDĐT"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestImportProceduresIsIdempotentAndVersioned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := newAgency(t, s)
		res, err := s.ImportProcedures(ctx, a.ID, sample(), 480)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 2 || res.NewVersions != 0 || len(res.NoDuration) != 1 || res.NoDuration[0] != "edu-048" {
			t.Fatalf("first import: %+v", res)
		}
		res, err = s.ImportProcedures(ctx, a.ID, sample(), 480)
		if err != nil || res.Unchanged != 2 || res.Created+res.NewVersions+len(res.NoDuration) != 0 {
			t.Fatalf("re-import: %+v, %v", res, err)
		}
		changed := sample()
		changed[0].Legal = &calendar.Duration{Value: 7, Unit: calendar.WorkingDays}
		changed[0].Steps = nil
		changed[0].EnsurePlan(480)
		res, err = s.ImportProcedures(ctx, a.ID, changed, 480)
		if err != nil || res.NewVersions != 1 || res.Unchanged != 1 {
			t.Fatalf("changed import: %+v, %v", res, err)
		}
		list, err := s.Procedures(ctx, a.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("Procedures = %v, %v", list, err)
		}
		var edu001 store.CatalogueEntry
		for _, e := range list {
			if e.Key == "edu-001" {
				edu001 = e
			}
		}
		if edu001.VersionNo != 2 || edu001.Legal.Value != 7 || len(edu001.Steps) != 5 || !edu001.StepsGenerated || edu001.RequiredDocuments[0] != "Đơn đề nghị" {
			t.Fatalf("latest edu-001 = %+v", edu001)
		}
		if edu001.Steps[1].Role != auth.Specialist || edu001.Steps[1].Budget != 7*480-14*60 {
			t.Fatalf("specialist step = %+v", edu001.Steps[1])
		}
		v1, err := s.ProcedureVersion(ctx, a.ID, edu001.ID, 1)
		if err != nil || v1.Legal.Value != 5 || len(v1.Steps) != 5 {
			t.Fatalf("version 1 = %+v, %v", v1, err)
		}
		latest, err := s.ProcedureVersion(ctx, a.ID, edu001.ID, 0)
		if err != nil || latest.VersionNo != 2 {
			t.Fatalf("latest = %+v, %v", latest, err)
		}
		if _, err := s.ProcedureVersion(ctx, a.ID, edu001.ID, 9); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("missing version: want not found, got %v", err)
		}
		for _, e := range list {
			if e.Key == "edu-048" && e.Legal != nil {
				t.Fatalf("procedure without duration got one: %+v", e.Legal)
			}
		}
	})
}

func TestImportRejectsOversizedPlanAtomically(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := newAgency(t, s)
		bad := sample()
		bad[1] = procedure.Procedure{Key: "edu-x", Version: procedure.Version{Name: "Quá hạn", Legal: &calendar.Duration{Value: 1, Unit: calendar.WorkingDays},
			Steps: []procedure.Step{{Role: auth.Specialist, Budget: 481}}}}
		if _, err := s.ImportProcedures(ctx, a.ID, bad, 480); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("want invalid, got %v", err)
		}
		if list, _ := s.Procedures(ctx, a.ID); len(list) != 0 {
			t.Fatalf("a rejected import wrote %d procedures", len(list))
		}
	})
}
