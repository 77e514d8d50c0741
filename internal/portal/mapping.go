package portal

import (
	"fmt"
	"strconv"
	"strings"

	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
)

// Directory gives the names the portal shows for our identifiers.
type Directory struct {
	AgencyName string
	Units      map[string]string // unit ID → name
	Titles     map[string]string // user ID → job title (chức danh)
}

func (d Directory) unit(id string) string {
	if n := d.Units[id]; n != "" {
		return n
	}
	return d.AgencyName
}

// Map builds what the portal should hold of the dossier whose history is
// events: the DongBoHoSoMC record and one CapNhatTienDoHoSoMC step per
// event. It depends only on its arguments, so the same history always maps
// to the same payloads; step deadlines are read on the calendar as of each
// event.
func Map(events []dossier.Event, cal *calendar.Calendar, dir Directory) (Dossier, []Step, error) {
	var s dossier.State
	var steps []Step
	var supplements []Supplement
	var fees []Fee
	for i, e := range events {
		before := s
		if err := s.Apply(e); err != nil {
			return Dossier{}, nil, err
		}
		steps = append(steps, step(i+1, e, before, s, cal, dir))
		supplements, fees = moved(supplements, fees, e, before, s)
	}
	key := s.PortalKey()
	if key == "" {
		return Dossier{}, nil, apperr.New(apperr.Invalid, "Hồ sơ chưa được tiếp nhận, chưa có mã để đồng bộ lên Cổng DVC quốc gia.")
	}
	code := s.Procedure.Code
	if code == "" {
		return Dossier{}, nil, apperr.Newf(apperr.Invalid, "Thủ tục «%s» chưa có mã TTHC quốc gia: Cổng DVC quốc gia không nhận hồ sơ của thủ tục này.", s.Procedure.Name)
	}
	for i := range steps {
		steps[i].MaHoSo = key
	}
	d := Dossier{
		MaHoSo: key, MaTTHC: code, TenTTHC: s.Procedure.Name,
		MaLinhVuc: s.Procedure.FieldCode, TenLinhVuc: s.Procedure.Field, KenhThucHien: int(s.Channel),
		ChuHoSo: s.Applicant.Name, LoaiDoiTuong: s.Applicant.Kind, MaDoiTuong: s.Applicant.IDNumber,
		SoGiayToChuHoSo: s.Applicant.IDNumber, Email: s.Applicant.Email, SoDienThoai: s.Applicant.Phone,
		DiaChi: s.Applicant.Address, TrichYeuHoSo: s.Procedure.Name,
		NgayNopHoSo: Stamp(s.SubmittedAt), NgayTiepNhan: Stamp(s.AcceptedAt), NgayHenTra: Stamp(s.Promised),
		TrangThaiHoSo: s.Status.PortalCode(), NgayTra: Stamp(s.ReturnedAt),
		HinhThuc: returnChannel(s), DonViXuLy: dir.unit(handlingUnit(s)), NoiNopHoSo: dir.unit(s.ReceivingUnit),
		TaiLieuNop: documents(s.Documents), DanhSachLePhi: fees, DanhSachHoSoBoSung: supplements,
		DanhSachGiayToKetQua: results(s),
	}
	if s.Code != "" && s.PortalRef != "" {
		d.MaHoSo, d.MaHoSoQG = s.Code, s.PortalRef
	}
	if s.Status == dossier.NotAccepted {
		d.NgayTuChoi = Stamp(s.FinishedAt)
	} else if s.Closed() {
		d.NgayKetThucXuLy = Stamp(s.FinishedAt)
	}
	for _, doc := range s.Documents {
		if doc.Digitised {
			d.HoSoCoThanhPhanSoHoa = 1
		}
	}
	if s.PaidOnline {
		d.DuocThanhToanTrucTuyen = 1
	}
	return d, steps, nil
}

// step describes event e, the n-th, which took the dossier from before to after.
func step(n int, e dossier.Event, before, after dossier.State, cal *calendar.Calendar, dir Directory) Step {
	st := Step{
		STT: n, NguoiXuLy: e.ActorName, ChucDanh: dir.Titles[e.Actor], ThoiDiemXuLy: Stamp(e.At),
		PhongBanXuLy: dir.unit(e.Unit), NoiDungXuLy: describe(e, before, after, dir), TrangThai: after.Status.PortalCode(),
		NgayBatDau: Stamp(e.At),
	}
	if e.Actor == "" {
		st.NguoiXuLy = "Cổng Dịch vụ công quốc gia"
	}
	if !after.StepStart.IsZero() {
		st.NgayBatDau = Stamp(after.StepStart)
	}
	if due, ok := after.StepDue(cal); ok {
		st.NgayKetThucTheoQuyDinh = Stamp(due)
	} else if after.Open() {
		st.NgayKetThucTheoQuyDinh = Stamp(after.LegalDue)
	}
	return st
}

// describe is the step's NoiDungXuLy, in Vietnamese.
func describe(e dossier.Event, before, after dossier.State, dir Directory) string {
	var b strings.Builder
	switch e.Type {
	case dossier.EvSubmitted:
		b.WriteString("Nộp hồ sơ trực tuyến")
	case dossier.EvCompletionRequested:
		b.WriteString("Hướng dẫn bổ sung, hoàn thiện hồ sơ trước khi tiếp nhận")
	case dossier.EvRefusedAtIntake:
		b.WriteString("Từ chối tiếp nhận hồ sơ")
	case dossier.EvReceived:
		b.WriteString("Tiếp nhận hồ sơ")
	case dossier.EvTransferred:
		if e.ToStep == before.Step {
			b.WriteString("Giao lại hồ sơ trong bước «" + stepName(after, e.ToStep) + "»")
		} else {
			fmt.Fprintf(&b, "Chuyển hồ sơ đến bước «%s» (%s)", stepName(after, e.ToStep), dir.unit(e.ToUnit))
		}
	case dossier.EvSupplementRequested:
		b.WriteString("Yêu cầu bổ sung hồ sơ")
	case dossier.EvSupplementReceived:
		b.WriteString("Nhận hồ sơ bổ sung")
	case dossier.EvPaymentRequested:
		fmt.Fprintf(&b, "Yêu cầu thực hiện nghĩa vụ tài chính: %s đồng", strconv.FormatInt(e.Amount, 10))
	case dossier.EvPaymentConfirmed:
		b.WriteString("Xác nhận đã thực hiện nghĩa vụ tài chính")
	case dossier.EvRescheduled:
		fmt.Fprintf(&b, "Xin lỗi và hẹn lại ngày trả kết quả: từ %s sang %s",
			before.Promised.In(calendar.Zone).Format("02/01/2006"), after.Promised.In(calendar.Zone).Format("02/01/2006"))
	case dossier.EvStopped:
		b.WriteString("Dừng xử lý hồ sơ")
	case dossier.EvWithdrawn:
		b.WriteString("Rút hồ sơ theo đề nghị của người nộp")
	case dossier.EvResolved:
		if e.Approved {
			b.WriteString("Đã xử lý xong, có kết quả")
		} else {
			b.WriteString("Đã xử lý xong, không giải quyết")
		}
	case dossier.EvReturned:
		b.WriteString("Trả kết quả")
	default:
		b.WriteString(string(e.Type))
	}
	if r := strings.TrimSpace(e.Reason); r != "" {
		b.WriteString(": " + r)
	}
	return b.String()
}

func stepName(s dossier.State, i int) string {
	if i < 0 || i >= len(s.Procedure.Steps) {
		return strconv.Itoa(i + 1)
	}
	if a := s.Procedure.Steps[i].Actor; a != "" {
		return a
	}
	return "Bước " + strconv.Itoa(i+1)
}

// moved adds to the supplement and fee lists what e changed.
func moved(sup []Supplement, fees []Fee, e dossier.Event, before, after dossier.State) ([]Supplement, []Fee) {
	switch e.Type {
	case dossier.EvSupplementRequested:
		sup = append(sup, Supplement{
			HoSoBoSungId: strconv.Itoa(len(sup) + 1), LoaiBoSung: SupplementRequest, NguoiYeuCauBoSung: e.ActorName,
			NoiDungBoSung: e.Reason, NgayBoSung: Stamp(e.At), DanhSachGiayToBoSung: names(e.Documents),
			TrangThaiBoSung: 1, NgayHenTraTruoc: Stamp(before.Promised),
		})
	case dossier.EvSupplementReceived:
		if i := lastWaiting(sup); i >= 0 {
			sup[i].TrangThaiBoSung, sup[i].NgayTiepNhanBoSung, sup[i].NgayHenTraMoi = 2, Stamp(e.At), Stamp(after.Promised)
		}
	case dossier.EvRescheduled:
		sup = append(sup, Supplement{
			HoSoBoSungId: strconv.Itoa(len(sup) + 1), LoaiBoSung: Reschedule, NguoiYeuCauBoSung: e.ActorName,
			NoiDungBoSung: e.Reason, NgayBoSung: Stamp(e.At), DanhSachGiayToBoSung: []string{},
			TrangThaiBoSung: 2, NgayHenTraTruoc: Stamp(before.Promised), NgayHenTraMoi: Stamp(after.Promised),
		})
	case dossier.EvPaymentRequested:
		name := strings.TrimSpace(e.Reason)
		if name == "" {
			name = "Phí, lệ phí"
		}
		fees = append(fees, Fee{TenPhiLePhi: name, MaPhiLePhi: strconv.Itoa(len(fees) + 1), HinhThucThu: 1, Gia: e.Amount, LoaiPhiLePhi: 1})
	case dossier.EvPaymentConfirmed:
		if len(fees) > 0 && e.PaidOnline {
			fees[len(fees)-1].HinhThucThu = 2
		}
	}
	if after.Closed() && !before.Closed() {
		if i := lastWaiting(sup); i >= 0 {
			sup[i].TrangThaiBoSung = 3
		}
	}
	return sup, fees
}

func lastWaiting(sup []Supplement) int {
	for i := len(sup) - 1; i >= 0; i-- {
		if sup[i].LoaiBoSung == SupplementRequest && sup[i].TrangThaiBoSung == 1 {
			return i
		}
	}
	return -1
}

func names(docs []dossier.Document) []string {
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Name)
	}
	return out
}

func documents(docs []dossier.Document) []Document {
	out := make([]Document, 0, len(docs))
	for i, d := range docs {
		out = append(out, Document{TepDinhKemId: strconv.Itoa(i + 1), TenTepDinhKem: d.Name, SoBan: d.Copies,
			BanChinh: d.Original, DuocSoHoa: flag(d.Digitised)})
	}
	return out
}

func results(s dossier.State) []Result {
	out := make([]Result, 0, len(s.Results))
	for i, r := range s.Results {
		out = append(out, Result{TenGiayTo: r, GiayToId: strconv.Itoa(i + 1)})
	}
	return out
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// handlingUnit is the unit that has the dossier now, or had it last.
func handlingUnit(s dossier.State) string {
	if s.StepUnit != "" {
		return s.StepUnit
	}
	return s.ReceivingUnit
}

// returnChannel is HinhThuc: how the result went back, from the officer's
// words at the return; 0 before it.
func returnChannel(s dossier.State) int {
	if s.ReturnedAt.IsZero() {
		return 0
	}
	m := strings.ToLower(s.ReturnMethod)
	switch {
	case strings.Contains(m, "bưu"):
		return 2
	case strings.Contains(m, "trực tuyến"), strings.Contains(m, "điện tử"):
		return 3
	}
	return 1
}
