package portal_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dunghan/internal/portal"
	"dunghan/internal/portalsim"
)

// simServer runs a simulator over real HTTP and a client for it.
func simServer(t *testing.T, opt portalsim.Options) (*portalsim.Sim, *portal.Client, *httptest.Server) {
	t.Helper()
	sim := portalsim.New(opt)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	c := portal.NewClient(portal.Config{ServiceURL: srv.URL + "/service", SessionURL: srv.URL + "/session",
		Username: portalsim.DefaultUsername, Password: portalsim.DefaultPassword, Timeout: 300 * time.Millisecond, Now: opt.Now})
	return sim, c, srv
}

func sample(key string) portal.Dossier {
	return portal.Dossier{MaHoSo: key, MaTTHC: "1.005095", TenTTHC: "Công nhận trường đạt chuẩn", KenhThucHien: 1, ChuHoSo: "Nguyễn Văn An",
		LoaiDoiTuong: 1, NgayNopHoSo: "20250303090000", NgayTiepNhan: "20250303090000", NgayHenTra: "20250310170000", TrangThaiHoSo: 2}
}

func TestClientAgainstTheSimulator(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	var clock atomic.Pointer[time.Time]
	clock.Store(&now)
	sim, c, _ := simServer(t, portalsim.Options{SessionTTL: 10 * time.Minute, Now: func() time.Time { return *clock.Load() }})

	d := sample("000.00.08.H44-250303-0001")
	if err := c.PushDossier(ctx, d, false); err != nil {
		t.Fatal(err)
	}
	// Created twice: "already exists" becomes an update.
	d.TrangThaiHoSo = 4
	if err := c.PushDossier(ctx, d, false); err != nil {
		t.Fatal(err)
	}
	// An update of a dossier the portal lost becomes a create.
	other := sample("000.00.08.H44-250303-0002")
	if err := c.PushDossier(ctx, other, true); err != nil {
		t.Fatal(err)
	}
	steps := []portal.Step{{MaHoSo: d.MaHoSo, STT: 1, NguoiXuLy: "Nguyễn Thị Lan", ThoiDiemXuLy: "20250303090000", NoiDungXuLy: "Tiếp nhận hồ sơ", TrangThai: 2},
		{MaHoSo: d.MaHoSo, STT: 2, NguoiXuLy: "Nguyễn Thị Lan", ThoiDiemXuLy: "20250303100000", NoiDungXuLy: "Chuyển bước", TrangThai: 4}}
	if err := c.PushSteps(ctx, steps); err != nil {
		t.Fatal(err)
	}
	got, found, err := c.Lookup(ctx, d.MaHoSo)
	if err != nil || !found || got.HoSo.TrangThaiHoSo != 4 || len(got.TienDo) != 2 || got.TienDo[1] != steps[1] {
		t.Fatalf("lookup: %+v %v %v", got, found, err)
	}
	if _, found, err := c.Lookup(ctx, "không-có"); found || err != nil {
		t.Fatalf("lookup of an unknown key: %v %v", found, err)
	}

	// The session expires on the portal's side: the client logs in again once.
	issued := sim.Snapshot().Stats.SessionsIssued
	sim.ExpireSessions()
	if err := c.PushSteps(ctx, steps[:1]); err != nil {
		t.Fatal(err)
	}
	// It also renews a session about to expire by its own clock.
	later := now.Add(10 * time.Minute)
	clock.Store(&later)
	if err := c.PushSteps(ctx, steps[:1]); err != nil {
		t.Fatal(err)
	}
	if n := sim.Snapshot().Stats.SessionsIssued; n != issued+2 {
		t.Fatalf("sessions issued: %d, want %d", n, issued+2)
	}

	cases := []struct {
		name      string
		faults    portalsim.Faults
		transient bool
		want      string
	}{
		{"down", portalsim.Faults{Down: true}, true, "HTTP 503"},
		{"500", portalsim.Faults{Fail500: 1}, true, "HTTP 500"},
		{"malformed", portalsim.Faults{Malformed: 1}, true, "không phải JSON hợp lệ"},
		{"busy", portalsim.Faults{Busy: 1}, true, "mã lỗi 5"},
		{"slow", portalsim.Faults{Delay: time.Second}, true, "quá thời gian chờ"},
		{"unexpected code", portalsim.Faults{Unexpected: 1}, false, "mã lỗi"},
	}
	for _, k := range cases {
		t.Run(k.name, func(t *testing.T) {
			sim.SetFaults(k.faults)
			defer sim.SetFaults(portalsim.Faults{})
			err := c.PushDossier(ctx, d, true)
			if err == nil || portal.IsTransient(err) != k.transient || !strings.Contains(err.Error(), k.want) {
				t.Fatalf("got %v (transient %v), want %q transient %v", err, portal.IsTransient(err), k.want, k.transient)
			}
		})
	}
	// A refused payload is permanent, with the portal's reason.
	bad := sample("000.00.08.H44-250303-0003")
	bad.MaTTHC = ""
	if err := c.PushDossier(ctx, bad, false); err == nil || portal.IsTransient(err) || !strings.Contains(err.Error(), "MaTTHC") {
		t.Fatalf("invalid payload: %v", err)
	}
}

func TestClientWrongPassword(t *testing.T) {
	_, _, srv := simServer(t, portalsim.Options{})
	c := portal.NewClient(portal.Config{ServiceURL: srv.URL + "/service", SessionURL: srv.URL + "/session", Username: "dunghan", Password: "sai"})
	err := c.PushDossier(context.Background(), sample("X-1"), false)
	if err == nil || !strings.Contains(err.Error(), "đăng nhập Cổng không thành công") || strings.Contains(err.Error(), "sai") {
		t.Fatalf("got %v", err)
	}
}

func TestClientInboundPages(t *testing.T) {
	sim, c, _ := simServer(t, portalsim.Options{})
	for i := range 5 {
		sim.AddInbound(portal.Inbound{MaTTHC: "1.005095", MaDonVi: "000.00.08.H44", ChuHoSo: "Người nộp " + string(rune('A'+i)), LoaiDoiTuong: 1, NgayNopHoSo: "20250303090000"})
	}
	sim.AddInbound(portal.Inbound{MaTTHC: "1.005095", MaDonVi: "000.00.09.H44", ChuHoSo: "Khác", LoaiDoiTuong: 1, NgayNopHoSo: "20250303090000"})
	var refs []string
	cursor := ""
	for range 5 {
		page, err := c.Inbound(context.Background(), "000.00.08.H44", cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range page.HoSo {
			refs = append(refs, in.MaHoSoQG)
		}
		if page.Cursor == cursor {
			break
		}
		cursor = page.Cursor
	}
	if len(refs) != 5 || refs[0] == "" || refs[0] == refs[1] {
		t.Fatalf("pulled %v", refs)
	}
}
