package forms

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
)

func TestRegimeSwitchesOn15September2025(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		want Regime
	}{
		{vn(2019, 1, 6, 0, 0), TT01},
		{vn(2025, 9, 14, 23, 59), TT01},
		{time.Date(2025, 9, 14, 16, 59, 59, 0, time.UTC), TT01},
		{time.Date(2025, 9, 14, 17, 0, 0, 0, time.UTC), TT03}, // 00:00 on the 15th in Vietnam
		{vn(2025, 9, 15, 0, 0), TT03},
		{vn(2026, 11, 20, 10, 0), TT03},
	} {
		if got := RegimeAt(c.at); got != c.want {
			t.Errorf("RegimeAt(%v) = %s, want %s", c.at, got, c.want)
		}
	}
	// A dossier never accepted goes by its submission.
	if got := RegimeOf(refused(t, vn(2025, 9, 12, 9, 0)).s); got != TT01 {
		t.Errorf("refused on 12/09/2025: %s", got)
	}
	if got := RegimeOf(troubled(t).s); got != TT01 {
		t.Errorf("accepted 03/03/2025: %s", got)
	}
}

func TestAvailableFollowsTheHistory(t *testing.T) {
	received := newStory(t, "000.00.08.H44-251201-0001").receive(vn(2025, 12, 1, 9, 0))
	oldStop := newStory(t, "000.00.08.H44-250303-0002").receive(vn(2025, 3, 3, 9, 0))
	oldStop.do(dossier.Stop{Reason: "Người nộp đề nghị"}, leader, vn(2025, 3, 4, 9, 0))
	for _, c := range []struct {
		name string
		s    *story
		want []Form
	}{
		{"just received", received, []Form{Receipt, Control}},
		{"finished", finished(t), []Form{Receipt, Control}},
		{"supplement and apology (TT 01/2018)", troubled(t), []Form{Receipt, Supplement, Apology, Control}},
		{"apology and stop (TT 03/2025)", stopped(t), []Form{Receipt, Apology, Stop, Control}},
		{"stopped under TT 01/2018: no stop notice", oldStop, []Form{Receipt, Control}},
		{"refused at intake", refused(t, vn(2025, 12, 1, 9, 0)), []Form{Refusal}},
		{"completion requested", incomplete(t, vn(2025, 12, 1, 9, 0)), []Form{Supplement}},
		{"nothing yet", newStory(t, ""), nil},
	} {
		if got := Available(c.s.s, c.s.events); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestRenderRefusesWhatTheHistoryDoesNotAllow(t *testing.T) {
	r := NewRenderer(nil)
	s := finished(t)
	for _, f := range []Form{Supplement, Refusal, Apology, Stop} {
		if _, err := r.Render(f, s.input(vn(2026, 1, 5, 9, 0))); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("%s on a plain dossier: %v", f, err)
		}
	}
	old := newStory(t, "000.00.08.H44-250303-0002").receive(vn(2025, 3, 3, 9, 0))
	old.do(dossier.Stop{Reason: "Người nộp đề nghị"}, leader, vn(2025, 3, 4, 9, 0))
	_, err := r.Render(Stop, old.input(vn(2025, 3, 5, 9, 0)))
	if !apperr.Is(err, apperr.NotFound) || !strings.Contains(apperr.Message(err), "Thông tư 01/2018/TT-VPCP") {
		t.Errorf("stop notice under TT 01/2018: %v", err)
	}
	if _, err := r.Render(Receipt, refused(t, vn(2025, 12, 1, 9, 0)).input(vn(2025, 12, 1, 10, 0))); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("receipt of a refused dossier: %v", err)
	}
	if _, err := r.Render(Register, s.input(vn(2026, 1, 5, 9, 0))); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("register of one dossier: %v", err)
	}
}

func TestParseForm(t *testing.T) {
	for in, want := range map[string]Form{"tiep-nhan": Receipt, "tiep-nhan.pdf": Receipt, " KIEM-SOAT.PDF ": Control,
		"so-theo-doi": Register, "dung": Stop} {
		if got, err := ParseForm(in); err != nil || got != want {
			t.Errorf("ParseForm(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "tiep_nhan", "receipt", "../tiep-nhan", strings.Repeat("x", 500)} {
		_, err := ParseForm(in)
		if !apperr.Is(err, apperr.NotFound) || !strings.Contains(apperr.Message(err), "tiep-nhan") || len(apperr.Message(err)) > 300 {
			t.Errorf("ParseForm(%q): %v", in, err)
		}
	}
}

func TestDescribeNumbersByRegime(t *testing.T) {
	r := NewRenderer(nil)
	tt01 := r.Describe(TT01, []Form{Apology, Stop, Control, Register})
	tt03 := r.Describe(TT03, []Form{Apology, Stop, Control, Register})
	want01 := []Info{{Apology, "Mẫu số 04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"}, {Control, "Mẫu số 05", "Phiếu kiểm soát quá trình giải quyết hồ sơ"},
		{Register, "Mẫu số 06", "Sổ theo dõi hồ sơ"}}
	want03 := []Info{{Apology, "Mẫu số 04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"}, {Stop, "Mẫu số 05", "Thông báo dừng giải quyết hồ sơ"},
		{Control, "Mẫu số 06", "Phiếu kiểm soát quá trình giải quyết hồ sơ"}, {Register, "Mẫu số 07", "Sổ theo dõi hồ sơ"}}
	if !slices.Equal(tt01, want01) || !slices.Equal(tt03, want03) {
		t.Errorf("TT01 %v\nTT03 %v", tt01, tt03)
	}
}

func TestLookupURL(t *testing.T) {
	got := LookupURL("https://dunghan.example.gov.vn/", "000.00.08.H44-251203-0007", "K7Q2 XZ&4")
	if want := "https://dunghan.example.gov.vn/tra-cuu?ma=000.00.08.H44-251203-0007&k=K7Q2+XZ%264"; got != want {
		t.Errorf("%s, want %s", got, want)
	}
	if got := FileName(Receipt, "000.00.08.H44-251203-0007"); got != "tiep-nhan-000.00.08.H44-251203-0007.pdf" {
		t.Error(got)
	}
	if got := FileName(Control, `a/b"c`); got != "kiem-soat-a_b_c.pdf" {
		t.Error(got)
	}
}

func TestLoadTexts(t *testing.T) {
	def := DefaultTexts()
	if def.TT01.Stop != nil || def.TT03.Stop == nil || def.Heading.Country != "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" {
		t.Fatalf("defaults: %+v", def.Heading)
	}
	if !bytes.Equal(DefaultTextsJSON(), defaultTexts) {
		t.Fatal("DefaultTextsJSON differs from the embedded file")
	}
	// A partial override changes one text, keeps the rest, and adds an agency's contact.
	got, err := LoadTexts([]byte(`{"tt03_2025": {"tiep_nhan": {"title": "GIẤY BIÊN NHẬN HỒ SƠ"}},
		"agencies": {"000.00.08.H44": {"phone": "0239.3855.123", "town": "Hà Tĩnh"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got.TT03.Receipt.Title != "GIẤY BIÊN NHẬN HỒ SƠ" || got.TT03.Receipt.Code != def.TT03.Receipt.Code || got.TT01.Receipt.Title != def.TT01.Receipt.Title {
		t.Errorf("override: %+v", got.TT03.Receipt)
	}
	if got.Agencies["000.00.08.H44"].Phone != "0239.3855.123" {
		t.Errorf("agencies: %+v", got.Agencies)
	}
	// Decomposed input is normalised.
	nfd := norm.NFD.String("GIẤY BIÊN NHẬN")
	got, err = LoadTexts([]byte(`{"tt01_2018": {"tiep_nhan": {"title": "` + nfd + `"}}}`))
	if err != nil || got.TT01.Receipt.Title != "GIẤY BIÊN NHẬN" {
		t.Errorf("NFD title: %q, %v", got.TT01.Receipt.Title, err)
	}
	for _, c := range []struct{ in, want string }{
		{`{"tt03_2025": {"tiep_nhan": {"titel": "X"}}}`, "tt03_2025.tiep_nhan.titel: unknown key"},
		{`{"heading": {"country": "X"}, "footer": 1}`, "footer: unknown key"},
		{`{"agencies": {"000.00.08.H44": {"fax": "1"}}}`, "agencies.000.00.08.H44.fax: unknown key"},
		{`{"tt03_2025": {"xin_loi": {"body": "một đoạn"}}}`, "tt03_2025.xin_loi.body: must be an array of strings"},
		{`{"tt03_2025": {"tiep_nhan": {"title": 7}}}`, "tt03_2025.tiep_nhan.title: must be a string"},
		{`{"tt03_2025": {"tiep_nhan": {"title": "  "}}}`, "tt03_2025.tiep_nhan.title: must not be empty"},
		{`{"tt03_2025": {"xin_loi": {"body": []}}}`, "tt03_2025.xin_loi.body: must not be empty"},
		{`{"tt03_2025": {"tiep_nhan": {"code": "Mã: {ma_ho_so}"}}}`, "tt03_2025.tiep_nhan.code: unknown placeholder {ma_ho_so}"},
		{`{"tt01_2018": {"dung": {"title": "THÔNG BÁO"}}}`, "tt01_2018.dung: Circular 01/2018 has no stop notice"},
		{`{"tt01_2018": {"so_theo_doi": {"columns": ["STT"]}}}`, "tt01_2018.so_theo_doi.columns: must have 13 headings, not 1"},
		{`{"tt01_2018": `, "not valid JSON"},
		{`{} {}`, "data after the top-level object"},
		{"{\"heading\": {\"blank\": \"\xff\"}}", "not valid UTF-8"},
	} {
		_, err := LoadTexts([]byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("LoadTexts(%s): %v, want %q", c.in, err, c.want)
		}
	}
}

func TestClean(t *testing.T) {
	box := string(replacement())
	if box != "□" {
		t.Fatalf("Liberation Serif has no white square: %q", box)
	}
	for _, c := range []struct {
		in        string
		multiline bool
		want      string
	}{
		{norm.NFD.String("Nguyễn Thị Ánh Tuyết"), false, "Nguyễn Thị Ánh Tuyết"},
		{"  Lê\tVăn\r\n  Tám  ", false, "Lê Văn Tám"},
		{"dòng 1\r\n\n  dòng 2  \n", true, "dòng 1\n\ndòng 2"},
		{"a\x00b\x1bc\u200bd\ufeffe\u00adf", false, "abcdef"},
		{"Phúc 😀 OK", false, "Phúc " + box + " OK"},
		{"中文", false, box + box},
		{"x\u0301\u0302y", false, "xy"},
		{"\xff\xfeTâm", false, box + "Tâm"},
		{"Đặng Quốc Bảo", false, "Đặng Quốc Bảo"},
		{"Ωμέγα Жук", false, "Ωμέγα Жук"},
	} {
		if got := clean(c.in, c.multiline); got != c.want {
			t.Errorf("clean(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	long := clean(strings.Repeat("á", maxRunes+10), false)
	if n := len([]rune(long)); n != maxRunes+1 || !strings.HasSuffix(long, "…") {
		t.Errorf("long text: %d runes", n)
	}
	for r := rune(0); r < 0x30000; r += 7 {
		if s := clean(string(r), false); s != "" && !covered([]rune(s)[0]) {
			t.Fatalf("clean(%U) = %q, which the fonts cannot draw", r, s)
		}
	}
}

func TestWrapKeepsEveryLineInsideItsBox(t *testing.T) {
	d := newDoc(DefaultTexts(), a5, vn(2026, 1, 5, 9, 0), "x")
	d.font("", 10.5)
	for _, c := range []struct {
		in    string
		w     float64
		max   int
		lines int
	}{
		{"Nguyễn Thị Ánh Tuyết", 100, 3, 1},
		{strings.Repeat("Nguyễn Thị Ánh Tuyết ", 20), 60, 3, 3},
		{strings.Repeat("W", 300), 30, 50, 0},
		{"một\nhai\n\nbốn", 100, 10, 4},
		{strings.Repeat("x", 40) + " " + strings.Repeat("y", 40), 20, 2, 2},
	} {
		lines := d.wrap(clean(c.in, true), c.w, c.max)
		if c.lines > 0 && len(lines) != c.lines {
			t.Errorf("wrap(%.20q, %v): %d lines %q", c.in, c.w, len(lines), lines)
		}
		if len(lines) > c.max {
			t.Errorf("wrap(%.20q): %d lines > %d", c.in, len(lines), c.max)
		}
		for _, l := range lines {
			if d.measure(l) > c.w {
				t.Errorf("line %q is %.1f mm wide, box %v", l, d.measure(l), c.w)
			}
		}
	}
	capped := d.wrap(strings.Repeat("Nguyễn Thị Ánh Tuyết ", 20), 60, 3)
	if !strings.HasSuffix(capped[2], "…") {
		t.Errorf("capped text does not end with an ellipsis: %q", capped)
	}
}

// formCase is what one form of a story must print.
type formCase struct {
	name  string
	story func(testing.TB) *story
	form  Form
	wants []string
}

var formCases = []formCase{
	{"receipt TT03", finished, Receipt, []string{
		"Mẫu số 01 (Thông tư số 03/2025/TT-VPCP)", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "BỘ PHẬN MỘT CỬA",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Tĩnh, ngày 03 tháng 12 năm 2025",
		"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mã hồ sơ: 000.00.08.H44-251203-0007",
		"Tên tổ chức, cá nhân: Nguyễn Thị Ánh Tuyết", "Địa chỉ: Số 12 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh",
		"Số điện thoại: 0912345678 Email: tuyet@example.vn", "Nội dung yêu cầu giải quyết: Công nhận trường trung học đạt chuẩn quốc gia",
		"Đơn đề nghị công nhận — 01 bản chính", "Biên bản kiểm tra của Ủy ban nhân dân cấp xã — 02 bản sao",
		"3. Thời gian giải quyết hồ sơ theo quy định: 05 ngày làm việc",
		"4. Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 03 tháng 12 năm 2025",
		"5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 10 tháng 12 năm 2025",
		"6. Nơi trả kết quả: Bộ phận Một cửa — Sở Giáo dục và Đào tạo",
		"https://dunghan.sogd.example.gov.vn/tra-cuu", "Mã tra cứu: K7Q2XZ4M", "Điện thoại liên hệ: …………",
		"NGƯỜI NỘP HỒ SƠ (Ký và ghi rõ họ tên) Nguyễn Thị Ánh Tuyết", "NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) Lê Thị Hoa",
	}},
	{"receipt TT01", troubled, Receipt, []string{
		// Reprinted after the supplement arrived: the clock restarted, so the
		// receipt is the one issued then, with the supplement and the new date.
		"Mẫu số 01 (Thông tư số 01/2018/TT-VPCP)", "Hà Tĩnh, ngày 06 tháng 03 năm 2025", "Mã hồ sơ: 000.00.08.H44-250303-0001",
		"Báo cáo tự đánh giá — 01 bản chính", "4. Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 03 tháng 03 năm 2025",
		"5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 13 tháng 03 năm 2025",
	}},
	{"supplement TT01", troubled, Supplement, []string{
		"Mẫu số 02 (Thông tư số 01/2018/TT-VPCP)", "Hà Tĩnh, ngày 04 tháng 03 năm 2025", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
		"Mã hồ sơ: 000.00.08.H44-250303-0001", "Hồ sơ của: Nguyễn Thị Ánh Tuyết", "1. Báo cáo tự đánh giá — 01 bản chính",
		"Lý do: Thiếu báo cáo tự đánh giá có xác nhận của Ủy ban nhân dân xã",
		"Ông/Bà liên hệ Bộ phận Một cửa theo số điện thoại ………… để được hướng dẫn.", "NGƯỜI HƯỚNG DẪN (Ký và ghi rõ họ tên) Vũ Thị Lan",
	}},
	{"completion before acceptance", func(t testing.TB) *story { return incomplete(t, vn(2025, 12, 1, 9, 0)) }, Supplement, []string{
		"Mẫu số 02 (Thông tư số 03/2025/TT-VPCP)", "Hà Tĩnh, ngày 01 tháng 12 năm 2025", "1. Bản sao giấy khai sinh — 01 bản sao",
		"Lý do: Hồ sơ thiếu giấy khai sinh", "NGƯỜI HƯỚNG DẪN (Ký và ghi rõ họ tên) Lê Thị Hoa",
	}},
	{"refusal TT01", func(t testing.TB) *story { return refused(t, vn(2025, 9, 12, 14, 20)) }, Refusal, []string{
		"Mẫu số 03 (Thông tư số 01/2018/TT-VPCP)", "Hà Tĩnh, ngày 12 tháng 09 năm 2025", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
		"Bộ phận Một cửa — Sở Giáo dục và Đào tạo tiếp nhận hồ sơ của: Nguyễn Thị Ánh Tuyết",
		"từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau: Thủ tục không thuộc thẩm quyền giải quyết của Sở",
		"Xin thông báo cho Ông/Bà được biết và thực hiện./.", "NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) Lê Thị Hoa",
	}},
	{"refusal TT03", func(t testing.TB) *story { return refused(t, vn(2025, 9, 15, 8, 0)) }, Refusal, []string{
		"Mẫu số 03 (Thông tư số 03/2025/TT-VPCP)", "Hà Tĩnh, ngày 15 tháng 09 năm 2025",
	}},
	{"apology TT01", troubled, Apology, []string{
		"Mẫu số 04 (Thông tư số 01/2018/TT-VPCP)", "Hà Tĩnh, ngày 10 tháng 03 năm 2025", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
		"Kính gửi: Nguyễn Thị Ánh Tuyết", "Ngày 03/03/2025, Sở Giáo dục và Đào tạo tiếp nhận giải quyết hồ sơ của Ông/Bà, mã số hồ sơ 000.00.08.H44-250303-0001.",
		"Thời hẹn trả kết quả giải quyết hồ sơ: ngày 13/03/2025.", "lý do: Cần xác minh thêm với cơ sở giáo dục",
		"sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào ngày 20/03/2025.", "THỦ TRƯỞNG CƠ QUAN (Ký, ghi rõ họ tên và đóng dấu) Nguyễn Văn Hùng",
	}},
	{"apology TT03", stopped, Apology, []string{
		"Mẫu số 04 (Thông tư số 03/2025/TT-VPCP)", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
		"Ngày 06/10/2025, Sở Giáo dục và Đào tạo tiếp nhận", "ngày 13/10/2025.", "vào ngày 24/10/2025.",
	}},
	{"stop notice", stopped, Stop, []string{
		"Mẫu số 05 (Thông tư số 03/2025/TT-VPCP)", "Hà Tĩnh, ngày 10 tháng 10 năm 2025", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
		"mã số hồ sơ 000.00.08.H44-251006-0003", "thông báo dừng giải quyết hồ sơ nêu trên kể từ ngày 10/10/2025, lý do: Cơ sở giáo dục đề nghị dừng để hoàn thiện cơ sở vật chất",
		"THỦ TRƯỞNG CƠ QUAN (Ký, ghi rõ họ tên và đóng dấu) Nguyễn Văn Hùng",
	}},
	{"control slip TT03", finished, Control, []string{
		"Mẫu số 06 (Thông tư số 03/2025/TT-VPCP)", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Mã hồ sơ: 000.00.08.H44-251203-0007",
		"(Kèm theo hồ sơ của: Nguyễn Thị Ánh Tuyết)", "Ngày nhận hồ sơ: 03/12/2025 Hạn giải quyết: 10/12/2025",
		"Cơ quan (bộ phận) giải quyết hồ sơ: Phòng Giáo dục Trung học; Ban Giám đốc Sở; Văn phòng",
		"Giao: Nguyễn Thị Ánh Tuyết Nhận: Lê Thị Hoa 09 giờ 05 phút, ngày 03 tháng 12 năm 2025",
		"Giao: Lê Thị Hoa Nhận: Vũ Thị Lan 10 giờ 00 phút, ngày 03 tháng 12 năm 2025",
		"Giao: Vũ Thị Lan Nhận: Hoàng Văn Đức 11 giờ 00 phút, ngày 03 tháng 12 năm 2025",
		"Trả kết quả", "Kết quả giải quyết hồ sơ: Trước hạn",
	}},
	{"control slip TT01", troubled, Control, []string{
		"Mẫu số 05 (Thông tư số 01/2018/TT-VPCP)", "Ngày nhận hồ sơ: 03/03/2025 Hạn giải quyết: 13/03/2025",
		"Giao: Lê Thị Hoa Nhận: Vũ Thị Lan 10 giờ 00 phút, ngày 03 tháng 03 năm 2025", "Quá hạn",
		"Kết quả giải quyết hồ sơ: Trước hạn",
	}},
}

func TestFormsPrintTheirTextExactly(t *testing.T) {
	r := NewRenderer(nil)
	for _, c := range formCases {
		s := c.story(t)
		pdf, err := r.Render(c.form, s.input(vn(2026, 1, 5, 9, 0)))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		text := pdfText(t, pdf)
		for _, w := range c.wants {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q\n%s", c.name, w, text)
			}
		}
		if text != norm.NFC.String(text) {
			t.Errorf("%s: extracted text is not NFC", c.name)
		}
	}
}

func TestPaperSizes(t *testing.T) {
	r := NewRenderer(nil)
	s := finished(t)
	for _, f := range []Form{Receipt, Control} {
		pdf, err := r.Render(f, s.input(vn(2026, 1, 5, 9, 0)))
		if err != nil {
			t.Fatal(err)
		}
		info := pdfInfo(t, pdf)
		if info["Page size"] != "419.53 x 595.28 pts" || info["Pages"] != "1" {
			t.Errorf("%s: page size %q (want A5 148×210 mm), %s pages", f, info["Page size"], info["Pages"])
		}
	}
	pdf, err := r.Register(registerOf(t, 3))
	if err != nil {
		t.Fatal(err)
	}
	if info := pdfInfo(t, pdf); !strings.HasPrefix(info["Page size"], "841.89 x 595.28 pts") || info["Page rot"] != "0" {
		t.Errorf("register: %v (want A4 landscape 297×210 mm)", info)
	}
}

// registerOf is the register of n dossiers received in December 2025,
// numbered from 41 (the year's earlier dossiers come before).
func registerOf(t testing.TB, n int) RegisterInput {
	in := RegisterInput{Agency: testAgency, Unit: agency.Unit{ID: "motcua", Name: "Bộ phận Một cửa"}, Units: testUnits,
		From: calendar.Date{Year: 2025, Month: 12, Day: 1}, To: calendar.Date{Year: 2025, Month: 12, Day: 31}, Now: vn(2026, 1, 5, 9, 0)}
	at := vn(2025, 12, 1, 8, 0)
	for i := range n {
		s := newStory(t, fmt.Sprintf("000.00.08.H44-2512%02d-%04d", at.Day(), i+1)).receive(at)
		if i%3 == 0 {
			s.through(testCal().AddWorkingMinutes(at, 30))
		}
		in.Entries = append(in.Entries, RegisterEntry{No: 41 + i, State: s.s, Events: s.events})
		at = testCal().AddWorkingMinutes(at, 45)
	}
	return in
}

func TestRegister(t *testing.T) {
	r := NewRenderer(nil)
	in := registerOf(t, 60)
	pdf, err := r.Register(in)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	pages := pdfInfo(t, pdf)["Pages"]
	for _, w := range []string{"Mẫu số 07 (Thông tư số 03/2025/TT-VPCP)", "SỔ THEO DÕI HỒ SƠ", "Bộ phận Một cửa — Sở Giáo dục và Đào tạo",
		"Từ ngày 01/12/2025 đến ngày 31/12/2025", "41 000.00.08.H44-251201-0001 Công nhận trường trung học đạt chuẩn quốc gia 01 Nguyễn Thị Ánh Tuyết",
		"08:00 01/12/2025", "17:00 08/12/2025", "100 000.00.08.H44-2512", "Trang 1/" + pages, "Trang " + pages + "/" + pages} {
		if !strings.Contains(text, w) {
			t.Errorf("register lacks %q\n%s", w, text)
		}
	}
	if pages == "1" {
		t.Errorf("60 dossiers fit on one page?")
	}
	// The header repeats on every page.
	if n := strings.Count(text, "Chuyển hồ sơ đến cơ quan giải quyết"); fmt.Sprint(n) != pages {
		t.Errorf("header printed %d times on %s pages", n, pages)
	}
	empty := registerOf(t, 0)
	pdf, err = r.Register(empty)
	if err != nil || !strings.Contains(pdfText(t, pdf), "Không có hồ sơ nào được tiếp nhận") {
		t.Errorf("empty register: %v", err)
	}
	old := registerOf(t, 0)
	old.From, old.To = calendar.Date{Year: 2025, Month: 1, Day: 1}, calendar.Date{Year: 2025, Month: 9, Day: 14}
	if pdf, err = r.Register(old); err != nil || !strings.Contains(pdfText(t, pdf), "Mẫu số 06 (Thông tư số 01/2018/TT-VPCP)") {
		t.Errorf("TT 01/2018 register: %v", err)
	}
	straddle := registerOf(t, 0)
	straddle.From = calendar.Date{Year: 2025, Month: 9, Day: 1}
	if _, err := r.Register(straddle); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("range across 15/09/2025: %v", err)
	}
	backwards := registerOf(t, 0)
	backwards.From, backwards.To = backwards.To, backwards.From
	if _, err := r.Register(backwards); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("backwards range: %v", err)
	}
}

// TestPagesAsImages renders the receipt and the control slip to PNG for a
// person to look at ($DUNGHAN_ARTIFACTS/forms), and reads the receipt's QR
// code back.
func TestPagesAsImages(t *testing.T) {
	r := NewRenderer(nil)
	dir := artifacts(t)
	for _, c := range []struct {
		name string
		s    *story
		f    Form
	}{{"tiep-nhan", finished(t), Receipt}, {"kiem-soat", finished(t), Control}, {"kiem-soat-tt01", troubled(t), Control},
		{"xin-loi-tt01", troubled(t), Apology}, {"dung", stopped(t), Stop}} {
		pdf, err := r.Render(c.f, c.s.input(vn(2026, 1, 5, 9, 0)))
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Join(dir, c.name)
		if err := os.WriteFile(base+".pdf", pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(tool(t, "pdftoppm"), "-r", "200", "-png", "-singlefile", base+".pdf", base).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, out)
		}
		if c.f != Receipt {
			continue
		}
		out, err := exec.Command(tool(t, "zbarimg"), "--raw", "-q", base+".png").Output()
		if err != nil {
			t.Fatalf("zbarimg found no QR code: %v", err)
		}
		want := LookupURL("https://dunghan.sogd.example.gov.vn", "000.00.08.H44-251203-0007", "K7Q2XZ4M")
		if got := strings.TrimSpace(string(out)); got != want {
			t.Errorf("QR code reads %q, want %q", got, want)
		}
	}
	t.Logf("pages in %s", dir)
}

func TestReceiptWithoutPublicURLHasNoQRCode(t *testing.T) {
	in := finished(t).input(vn(2026, 1, 5, 9, 0))
	in.PublicURL = ""
	pdf, err := NewRenderer(nil).Receipt(in)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	if !strings.Contains(text, "Mã tra cứu: K7Q2XZ4M") || !strings.Contains(text, "trên trang tra cứu của cơ quan") || strings.Contains(text, "quét mã QR") {
		t.Errorf("receipt without a public URL:\n%s", text)
	}
}

func TestAgencyContactAndWordingOverride(t *testing.T) {
	texts, err := LoadTexts([]byte(`{"agencies": {"000.00.08.H44": {"phone": "0239.3855.123", "place": "Trung tâm Phục vụ hành chính công tỉnh, số 1 Nguyễn Du", "town": "TP. Hà Tĩnh"}},
		"tt03_2025": {"tiep_nhan": {"sets": "2. Số lượng hồ sơ: 01 (một) bộ"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := NewRenderer(texts).Receipt(finished(t).input(vn(2026, 1, 5, 9, 0)))
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, w := range []string{"Điện thoại liên hệ: 0239.3855.123", "6. Nơi trả kết quả: Trung tâm Phục vụ hành chính công tỉnh, số 1 Nguyễn Du",
		"TP. Hà Tĩnh, ngày 03 tháng 12 năm 2025", "2. Số lượng hồ sơ: 01 (một) bộ"} {
		if !strings.Contains(text, w) {
			t.Errorf("lacks %q\n%s", w, text)
		}
	}
}

// TestBadInput prints the receipt and the control slip of a dossier with
// very long, decomposed, exotic or missing fields: the text wraps or is
// cut with "…", decomposed letters come out composed, characters outside
// the font show as □, and the slip stays on the page.
func TestBadInput(t *testing.T) {
	r := NewRenderer(nil)
	long := strings.Repeat("Trường Trung học phổ thông chuyên Hà Tĩnh ", 30)
	var docs []dossier.Document
	for i := range 40 {
		docs = append(docs, dossier.Document{Name: fmt.Sprintf("Giấy tờ số %d %s", i+1, long), Copies: i % 3})
	}
	s := withIntake(finished(t), dossier.Applicant{Name: norm.NFD.String("Nguyễn Thị Ánh Tuyết ") + "😀\x07" + long,
		Address: strings.Repeat("Xóm Đông, thôn Hạ, xã Thạch Hà ", 50)}, docs, strings.Repeat("Thủ tục rất dài ", 100))
	in := s.input(vn(2026, 1, 5, 9, 0))
	pdf, err := r.Receipt(in)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, w := range []string{"Tên tổ chức, cá nhân: Nguyễn Thị Ánh Tuyết □Trường", "…", "Số điện thoại: ………… Email: …………",
		"Giấy tờ số 40", "Mã tra cứu: K7Q2XZ4M", "NGƯỜI TIẾP NHẬN HỒ SƠ"} {
		if !strings.Contains(text, w) {
			t.Errorf("lacks %q", w)
		}
	}
	if info := pdfInfo(t, pdf); info["Pages"] == "1" || info["Page size"] != "419.53 x 595.28 pts" {
		t.Errorf("40 long documents on one A5 page? %v", info)
	}
	if _, err := r.ControlSlip(in); err != nil {
		t.Fatal(err)
	}
}

func FuzzReceipt(f *testing.F) {
	f.Add("Nguyễn Thị Ánh Tuyết", "Hà Tĩnh", "Đơn đề nghị", "Công nhận trường chuẩn", 1)
	f.Add(norm.NFD.String("Đặng Quốc Bảo"), "", "", "", 0)
	f.Add(strings.Repeat("W", 500), strings.Repeat("Xóm Đông ", 200), strings.Repeat("x", 3000), "😀\u0301\u200d\x00", 7)
	f.Add("\xff\xfe", "\u202e\u0645\u0631\u062d\u0628\u0627", "中文文件", "\n\n\n", 3)
	r := NewRenderer(nil)
	base := finished(f)
	f.Fuzz(func(t *testing.T, name, address, doc, proc string, copies int) {
		s := withIntake(base, dossier.Applicant{Name: name, Address: address, Phone: name, Email: address},
			[]dossier.Document{{Name: doc, Copies: copies % 100, Original: copies%2 == 0}, {Name: name + doc, Copies: 1}}, proc)
		pdf, err := r.Receipt(s.input(vn(2026, 1, 5, 9, 0)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[len(pdf)-32:], []byte("%%EOF")) {
			t.Fatal("not a PDF")
		}
	})
}

func FuzzControlSlip(f *testing.F) {
	f.Add("Lê Thị Hoa", "Bộ phận Một cửa", "Cần xác minh")
	f.Add(strings.Repeat("Nguyễn Văn ", 80), strings.Repeat("Phòng ", 300), strings.Repeat("lý do\n", 100))
	f.Add("😀\x00", "\u0301", "\u202e")
	r := NewRenderer(nil)
	base := finished(f)
	f.Fuzz(func(t *testing.T, person, unit, note string) {
		s := *base
		s.events = slices.Clone(base.events)
		for i := range s.events {
			s.events[i].ActorName = person + s.events[i].ActorName
		}
		s.s.ReturnedTo = note
		in := s.input(vn(2026, 1, 5, 9, 0))
		in.Units = map[string]string{"motcua": unit, "phong-trh": unit + note}
		in.Users = map[string]string{"u-spec": note}
		if _, err := r.ControlSlip(in); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkReceipt(b *testing.B) {
	r := NewRenderer(nil)
	in := finished(b).input(vn(2026, 1, 5, 9, 0))
	var size int
	for b.Loop() {
		pdf, err := r.Receipt(in)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}

func BenchmarkControlSlip(b *testing.B) {
	r := NewRenderer(nil)
	in := finished(b).input(vn(2026, 1, 5, 9, 0))
	for b.Loop() {
		if _, err := r.ControlSlip(in); err != nil {
			b.Fatal(err)
		}
	}
}
