package report

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestGroupAndWorkbook(t *testing.T) {
	b := Bieu06{Agency: "Sở Giáo dục và Đào tạo", Unit: "Phòng Giáo dục Trung học", Period: "tháng 11/2026",
		From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Last: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC),
		Judged: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), Made: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
	b.Group([]Line{
		{Field: "Văn bằng, chứng chỉ", Procedure: "Đính chính văn bằng", Counts: Counts{Online: 1, Paper: 2, Carried: 1, Early: 2, OnTime: 1, Within: 1}},
		{Field: "văn bằng,  chứng chỉ", Procedure: "Cấp bản sao văn bằng", Code: "1.005092", Counts: Counts{Online: 3, Late: 1, Within: 1, Overdue: 1}},
		{Field: "", Procedure: "Thủ tục không có lĩnh vực", Counts: Counts{Paper: 1, OnTime: 1}},
		{Field: "Đào tạo với nước ngoài", Procedure: "Cho phép liên kết đào tạo", Counts: Counts{Carried: 2, Early: 2}},
	})
	if len(b.Groups) != 3 || b.Groups[0].Field != "Đào tạo với nước ngoài" || b.Groups[1].Field != "Văn bằng, chứng chỉ" || b.Groups[2].Field != OtherField {
		t.Fatalf("groups %+v", b.Groups)
	}
	if g := b.Groups[1]; len(g.Lines) != 2 || g.Lines[0].Procedure != "Cấp bản sao văn bằng" || g.Received() != 7 || g.Resolved() != 4 || g.InProgress() != 3 {
		t.Fatalf("first group %+v", g)
	}
	want := [11]int{10, 4, 3, 3, 7, 4, 2, 1, 3, 2, 1}
	if b.Total.Cells() != want {
		t.Fatalf("total %v, want %v", b.Total.Cells(), want)
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, b); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(Sheet)
	if err != nil {
		t.Fatal(err)
	}
	var total []string
	for _, r := range rows {
		if len(r) > 1 && r[1] == TotalLabel {
			total = r[2:]
		}
	}
	if len(total) != 11 {
		t.Fatalf("no totals row in %q", rows)
	}
	for i, s := range total {
		if n, err := strconv.Atoi(s); err != nil || n != want[i] {
			t.Fatalf("total cell %d = %q, want %d", i+3, s, want[i])
		}
	}
	if v, _ := f.GetCellValue(Sheet, "A5"); v == "" || v[:9] != "TÌNH HÌNH"[:9] {
		t.Fatalf("title %q", v)
	}
	if Roman(4) != "IV" || Roman(14) != "XIV" || Roman(0) != "" {
		t.Fatal("roman")
	}
}
