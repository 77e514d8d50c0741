package portal_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/portal"
	"dunghan/internal/procedure"
)

func vn(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, calendar.Zone)
}

func testCal(t testing.TB) *calendar.Calendar {
	t.Helper()
	c, err := calendar.New(calendar.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func proc(code string) dossier.ProcedureRef {
	v := procedure.Version{Name: "Công nhận trường trung học đạt chuẩn quốc gia", Field: "Giáo dục trung học", FieldCode: "G03-GD10",
		Legal: &calendar.Duration{Value: 5, Unit: calendar.WorkingDays}}
	v.EnsurePlan(procedure.DefaultMinutesPerDay)
	return dossier.ProcedureRef{ID: "p5", Version: 1, Procedure: procedure.Procedure{Key: "edu-1", Code: code, Version: v}}
}

var (
	desk   = dossier.Actor{UserID: "u-desk", Name: "Nguyễn Thị Lan", UnitID: "motcua", Roles: []auth.Role{auth.Reception}}
	spec   = dossier.Actor{UserID: "u-spec", Name: "Trần Văn Minh", UnitID: "phong", Roles: []auth.Role{auth.Specialist}}
	leader = dossier.Actor{UserID: "u-lead", Name: "Phạm Văn Đức", UnitID: "so", Roles: []auth.Role{auth.Leadership}}
	web    = dossier.Actor{Name: "Cổng Dịch vụ công quốc gia", UnitID: "motcua"}
	dir    = portal.Directory{AgencyName: "Sở Giáo dục và Đào tạo", Units: map[string]string{"motcua": "Bộ phận Một cửa", "phong": "Phòng Giáo dục trung học"},
		Titles: map[string]string{"u-desk": "Cán bộ Một cửa", "u-spec": "Chuyên viên"}}
	person = dossier.Applicant{Kind: 1, Name: "Nguyễn Văn An", IDNumber: "001099012345", Phone: "0912345678", Email: "an@example.vn", Address: "Hà Nội"}
)

// step is one command at an instant.
type step struct {
	at  time.Time
	who dossier.Actor
	cmd dossier.Command
}

// history runs steps through dossier.Decide as the store would.
func history(t testing.TB, p dossier.ProcedureRef, steps ...step) []dossier.Event {
	t.Helper()
	cal := testCal(t)
	var s dossier.State
	var out []dossier.Event
	for i, st := range steps {
		evs, err := dossier.Decide(s, st.cmd, st.who, dossier.Env{Now: st.at, Calendar: cal, Procedure: p,
			Code: "000.00.08.H44-250303-0001", Secret: "ABCD2345"})
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, st.cmd.Name(), err)
		}
		for _, e := range evs {
			if err := s.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, evs...)
	}
	return out
}

func receive(at time.Time) step {
	return step{at, desk, dossier.Receive{Channel: dossier.InPerson, Applicant: person,
		Documents: []dossier.Document{{Name: "Đơn đề nghị", Copies: 1, Original: true, Digitised: true}, {Name: "Biên bản", Copies: 2}}}}
}

func toSpecialist(at time.Time) step {
	return step{at, desk, dossier.Transfer{ToStep: 1, ToUnit: "phong", ToUser: "u-spec"}}
}

func TestStamp(t *testing.T) {
	at := vn(2025, 3, 3, 9, 5)
	if got := portal.Stamp(at.UTC()); got != "20250303090500" {
		t.Fatalf("Stamp = %q", got)
	}
	back, err := portal.ParseStamp("20250303090500")
	if err != nil || !back.Equal(at) {
		t.Fatalf("ParseStamp = %v, %v", back, err)
	}
	if portal.Stamp(time.Time{}) != "" {
		t.Fatal("the zero time must be empty")
	}
	if _, err := portal.ParseStamp("2025-03-03"); err == nil {
		t.Fatal("want an error for another layout")
	}
}

func TestMapEveryStatus(t *testing.T) {
	mon := vn(2025, 3, 3, 9, 0)
	h := func(d int) time.Time { return mon.Add(time.Duration(d) * time.Hour) }
	cases := []struct {
		name   string
		p      dossier.ProcedureRef
		steps  []step
		status int
		check  func(t *testing.T, d portal.Dossier, steps []portal.Step)
	}{
		{"1 submitted online", proc("1.005095"), []step{{mon, web, dossier.Submit{Applicant: person, PortalRef: "G22-0001"}}}, 1,
			func(t *testing.T, d portal.Dossier, steps []portal.Step) {
				if d.MaHoSo != "G22-0001" || d.MaHoSoQG != "" || d.KenhThucHien != 2 || d.NgayTiepNhan != "" || d.NgayNopHoSo != "20250303090000" {
					t.Fatalf("%+v", d)
				}
				if steps[0].NguoiXuLy != "Cổng Dịch vụ công quốc gia" || steps[0].MaHoSo != "G22-0001" || steps[0].NoiDungXuLy != "Nộp hồ sơ trực tuyến" {
					t.Fatalf("%+v", steps[0])
				}
			}},
		{"2 received", proc("1.005095"), []step{receive(mon)}, 2, func(t *testing.T, d portal.Dossier, steps []portal.Step) {
			want := portal.Dossier{MaHoSo: "000.00.08.H44-250303-0001", MaTTHC: "1.005095", TenTTHC: "Công nhận trường trung học đạt chuẩn quốc gia",
				MaLinhVuc: "G03-GD10", TenLinhVuc: "Giáo dục trung học", KenhThucHien: 1, ChuHoSo: "Nguyễn Văn An", LoaiDoiTuong: 1,
				MaDoiTuong: "001099012345", SoGiayToChuHoSo: "001099012345", Email: "an@example.vn", SoDienThoai: "0912345678", DiaChi: "Hà Nội",
				TrichYeuHoSo: "Công nhận trường trung học đạt chuẩn quốc gia", NgayNopHoSo: "20250303090000", NgayTiepNhan: "20250303090000",
				NgayHenTra: "20250310170000", TrangThaiHoSo: 2, DonViXuLy: "Bộ phận Một cửa", NoiNopHoSo: "Bộ phận Một cửa", HoSoCoThanhPhanSoHoa: 1,
				TaiLieuNop: []portal.Document{{TepDinhKemId: "1", TenTepDinhKem: "Đơn đề nghị", SoBan: 1, BanChinh: true, DuocSoHoa: 1},
					{TepDinhKemId: "2", TenTepDinhKem: "Biên bản", SoBan: 2}},
				DanhSachLePhi: []portal.Fee{}, DanhSachHoSoBoSung: []portal.Supplement{}, DanhSachGiayToKetQua: []portal.Result{}}
			d.DanhSachLePhi, d.DanhSachHoSoBoSung = orEmpty(d.DanhSachLePhi), orEmpty(d.DanhSachHoSoBoSung)
			if !reflect.DeepEqual(d, want) {
				t.Fatalf("got  %+v\nwant %+v", d, want)
			}
			s := steps[0]
			if s.STT != 1 || s.NoiDungXuLy != "Tiếp nhận hồ sơ" || s.ChucDanh != "Cán bộ Một cửa" || s.PhongBanXuLy != "Bộ phận Một cửa" ||
				s.NgayBatDau != "20250303090000" || s.NgayKetThucTheoQuyDinh != "20250303143000" || s.TrangThai != 2 {
				t.Fatalf("%+v", s)
			}
		}},
		{"3 refused online", proc("1.005095"), []step{{mon, web, dossier.Submit{Applicant: person, PortalRef: "G22-0002"}},
			{h(1), desk, dossier.RefuseAtIntake{Reason: "Không thuộc thẩm quyền"}}}, 3, func(t *testing.T, d portal.Dossier, steps []portal.Step) {
			if d.NgayTuChoi != "20250303100000" || d.NgayKetThucXuLy != "" || steps[1].NoiDungXuLy != "Từ chối tiếp nhận hồ sơ: Không thuộc thẩm quyền" {
				t.Fatalf("%+v %+v", d, steps[1])
			}
		}},
		{"4 in progress", proc("1.005095"), []step{receive(mon), toSpecialist(h(1))}, 4, func(t *testing.T, d portal.Dossier, steps []portal.Step) {
			s := steps[1]
			if d.DonViXuLy != "Phòng Giáo dục trung học" || !strings.HasPrefix(s.NoiDungXuLy, "Chuyển hồ sơ đến bước") ||
				!strings.HasSuffix(s.NoiDungXuLy, "(Phòng Giáo dục trung học)") || s.NgayBatDau != "20250303100000" || s.NgayKetThucTheoQuyDinh == "" {
				t.Fatalf("%+v %+v", d, s)
			}
		}},
		{"5 supplement requested then received", proc("1.005095"), []step{receive(mon), toSpecialist(h(1)),
			{h(2), spec, dossier.RequestSupplement{Reason: "Thiếu báo cáo", Missing: []dossier.Document{{Name: "Báo cáo tự đánh giá", Copies: 1}}}}}, 5,
			func(t *testing.T, d portal.Dossier, steps []portal.Step) {
				b := d.DanhSachHoSoBoSung
				if len(b) != 1 || b[0].LoaiBoSung != portal.SupplementRequest || b[0].TrangThaiBoSung != 1 || b[0].NgayHenTraTruoc != "20250310170000" ||
					b[0].NgayHenTraMoi != "" || !reflect.DeepEqual(b[0].DanhSachGiayToBoSung, []string{"Báo cáo tự đánh giá"}) {
					t.Fatalf("%+v", b)
				}
			}},
		{"6 payment requested", proc("1.005095"), []step{receive(mon), toSpecialist(h(1)), {h(2), spec, dossier.RequestPayment{Amount: 150000, Reason: "Lệ phí cấp bằng"}}}, 6,
			func(t *testing.T, d portal.Dossier, steps []portal.Step) {
				if len(d.DanhSachLePhi) != 1 || d.DanhSachLePhi[0] != (portal.Fee{TenPhiLePhi: "Lệ phí cấp bằng", MaPhiLePhi: "1", HinhThucThu: 1, Gia: 150000, LoaiPhiLePhi: 1}) ||
					d.DuocThanhToanTrucTuyen != 0 || steps[2].NoiDungXuLy != "Yêu cầu thực hiện nghĩa vụ tài chính: 150000 đồng: Lệ phí cấp bằng" {
					t.Fatalf("%+v %+v", d.DanhSachLePhi, steps[2])
				}
			}},
		{"7 withdrawn", proc("1.005095"), []step{receive(mon), {h(1), desk, dossier.Withdraw{Reason: "Người nộp xin rút"}}}, 7,
			func(t *testing.T, d portal.Dossier, _ []portal.Step) {
				if d.NgayKetThucXuLy != "20250303100000" {
					t.Fatalf("%+v", d)
				}
			}},
		{"8 stopped", proc("1.005095"), []step{receive(mon), toSpecialist(h(1)), {h(2), leader, dossier.Stop{Reason: "Theo yêu cầu của cơ quan có thẩm quyền"}}}, 8, nil},
		{"9 resolved", proc("1.005095"), []step{receive(mon), toSpecialist(h(1)), {h(3), leader, dossier.Resolve{Approved: true, Results: []string{"Quyết định công nhận"}}}}, 9,
			func(t *testing.T, d portal.Dossier, steps []portal.Step) {
				if d.NgayKetThucXuLy != "20250303120000" || d.NgayTra != "" || len(d.DanhSachGiayToKetQua) != 1 || d.DanhSachGiayToKetQua[0].TenGiayTo != "Quyết định công nhận" {
					t.Fatalf("%+v", d)
				}
			}},
		{"10 returned by post", proc("1.005095"), []step{receive(mon), toSpecialist(h(1)), {h(3), leader, dossier.Resolve{Approved: true, Results: []string{"Quyết định"}}},
			{h(4), desk, dossier.Return{To: "Nguyễn Văn An", Method: "Bưu chính công ích"}}}, 10,
			func(t *testing.T, d portal.Dossier, steps []portal.Step) {
				if d.NgayTra != "20250303130000" || d.HinhThuc != 2 || steps[3].STT != 4 || steps[3].NoiDungXuLy != "Trả kết quả" {
					t.Fatalf("%+v %+v", d, steps[3])
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			events := history(t, c.p, c.steps...)
			d, steps, err := portal.Map(events, testCal(t), dir)
			if err != nil {
				t.Fatal(err)
			}
			if d.TrangThaiHoSo != c.status || len(steps) != len(events) {
				t.Fatalf("status %d, %d steps for %d events", d.TrangThaiHoSo, len(steps), len(events))
			}
			for i, s := range steps {
				if s.STT != i+1 || s.MaHoSo != d.Key() {
					t.Fatalf("step %d: %+v", i, s)
				}
			}
			if steps[len(steps)-1].TrangThai != c.status {
				t.Fatalf("last step status %d", steps[len(steps)-1].TrangThai)
			}
			if c.check != nil {
				c.check(t, d, steps)
			}
			again, steps2, _ := portal.Map(events, testCal(t), dir)
			if portal.Hash(again) != portal.Hash(d) || !reflect.DeepEqual(steps, steps2) {
				t.Fatal("the mapping is not deterministic")
			}
		})
	}
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func TestMapSupplementsReschedulesAndPayments(t *testing.T) {
	mon := vn(2025, 3, 3, 9, 0)
	events := history(t, proc("1.005095"), receive(mon), toSpecialist(mon.Add(time.Hour)),
		step{mon.Add(2 * time.Hour), spec, dossier.RequestSupplement{Reason: "Thiếu báo cáo", Missing: []dossier.Document{{Name: "Báo cáo", Copies: 1}}}},
		step{vn(2025, 3, 5, 9, 0), desk, dossier.ReceiveSupplement{Documents: []dossier.Document{{Name: "Báo cáo", Copies: 1, Original: true}}}},
		step{vn(2025, 3, 5, 10, 0), spec, dossier.RequestPayment{Amount: 50000}},
		step{vn(2025, 3, 5, 11, 0), desk, dossier.ConfirmPayment{PaidOnline: true}},
		step{vn(2025, 3, 10, 9, 0), leader, dossier.Reschedule{Promised: vn(2025, 3, 20, 17, 0), Reason: "Cần xác minh thực tế"}},
	)
	d, steps, err := portal.Map(events, testCal(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	b := d.DanhSachHoSoBoSung
	if len(b) != 2 {
		t.Fatalf("%+v", b)
	}
	if b[0].TrangThaiBoSung != 2 || b[0].NgayTiepNhanBoSung != "20250305090000" || b[0].NgayHenTraTruoc != "20250310170000" || b[0].NgayHenTraMoi != "20250312170000" {
		t.Fatalf("supplement: %+v", b[0])
	}
	if b[1].LoaiBoSung != portal.Reschedule || b[1].NgayHenTraMoi != "20250320170000" || b[1].NgayHenTraTruoc != "20250313083000" || // the restart's date moved by the hour paused for payment
		d.NgayHenTra != "20250320170000" || b[1].NoiDungBoSung != "Cần xác minh thực tế" {
		t.Fatalf("reschedule: %+v (promised %s)", b[1], d.NgayHenTra)
	}
	if d.DuocThanhToanTrucTuyen != 1 || d.DanhSachLePhi[0].HinhThucThu != 2 || d.DanhSachLePhi[0].TenPhiLePhi != "Phí, lệ phí" {
		t.Fatalf("payment: %+v %d", d.DanhSachLePhi, d.DuocThanhToanTrucTuyen)
	}
	if !strings.HasPrefix(steps[6].NoiDungXuLy, "Xin lỗi và hẹn lại ngày trả kết quả: từ ") || !strings.Contains(steps[6].NoiDungXuLy, "sang 20/03/2025") {
		t.Fatalf("reschedule step: %q", steps[6].NoiDungXuLy)
	}
	// A supplement still awaited when the dossier ends is closed as such.
	ended := history(t, proc("1.005095"), receive(mon), toSpecialist(mon.Add(time.Hour)),
		step{mon.Add(2 * time.Hour), spec, dossier.RequestSupplement{Reason: "Thiếu", Missing: []dossier.Document{{Name: "Báo cáo", Copies: 1}}}},
		step{vn(2025, 3, 6, 9, 0), desk, dossier.Withdraw{Reason: "Không bổ sung"}})
	d, _, _ = portal.Map(ended, testCal(t), dir)
	if d.DanhSachHoSoBoSung[0].TrangThaiBoSung != 3 {
		t.Fatalf("ended while waiting: %+v", d.DanhSachHoSoBoSung)
	}
}

func TestMapOnlineAcceptedKeepsThePortalKey(t *testing.T) {
	mon := vn(2025, 3, 3, 9, 0)
	events := history(t, proc("1.005095"), step{mon, web, dossier.Submit{Applicant: person, PortalRef: "G22-0009"}},
		step{mon.Add(time.Hour), desk, dossier.Receive{}})
	d, steps, err := portal.Map(events, testCal(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.MaHoSo != "000.00.08.H44-250303-0001" || d.MaHoSoQG != "G22-0009" || d.Key() != "G22-0009" || steps[1].MaHoSo != "G22-0009" || d.TrangThaiHoSo != 2 {
		t.Fatalf("%+v %+v", d, steps)
	}
}

func TestMapRefusesWhatThePortalCannotTake(t *testing.T) {
	mon := vn(2025, 3, 3, 9, 0)
	_, _, err := portal.Map(history(t, proc(""), receive(mon)), testCal(t), dir)
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.Message(err), "chưa có mã TTHC quốc gia") {
		t.Fatalf("no national code: %v", err)
	}
	_, _, err = portal.Map(history(t, proc("1.005095"), step{mon, desk, dossier.RefuseAtIntake{Channel: dossier.InPerson, Applicant: person, Reason: "Thiếu giấy tờ"}}), testCal(t), dir)
	if !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("refused at the desk, never accepted: %v", err)
	}
}
