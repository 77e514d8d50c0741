package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Sheet is the name of the worksheet of the Biểu 06 workbook.
const Sheet = "Biểu 06"

// TotalLabel labels the totals row, on the page and in the workbook.
const TotalLabel = "Tổng cộng"

// font is the one typeface of the workbook: the government standard.
const font = "Times New Roman"

// WriteXLSX writes the report as an .xlsx workbook laid out like the
// printed form: the agency and the national motto, the title, the period,
// the unit of count, a three-row header with the column numbers, the
// field rows (bold, Roman numerals) with their procedures, a bold totals
// row, and the date and signature lines; A4 landscape, fitted to width.
func WriteXLSX(w io.Writer, b Bieu06) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", Sheet); err != nil {
		return err
	}
	x := &sheet{f: f}
	st := x.styles()
	last := "M"

	// Heading: agency on the left, the national motto on the right.
	x.merge("A1", "E1", strings.ToUpper(b.Agency), st.agency)
	x.merge("H1", last+"1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st.bold)
	if b.Unit != "" {
		x.merge("A2", "E2", b.Unit, st.center)
	}
	x.merge("H2", last+"2", "Độc lập - Tự do - Hạnh phúc", st.motto)
	x.merge("A3", "E3", "Biểu số 06/VPCP/KSTT", st.italic)
	x.merge("A5", last+"5", "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC", st.title)
	x.merge("A6", last+"6", fmt.Sprintf("Kỳ báo cáo: %s (từ ngày %s đến ngày %s)", b.Period, b.From.Format("02/01/2006"), b.Last.Format("02/01/2006")), st.centerItalic)
	x.merge("H7", last+"7", "Đơn vị tính: Số hồ sơ TTHC", st.rightItalic)

	// Header: three rows, then the column numbers.
	const h1, h2, h3 = 8, 9, 10
	x.merge("A8", "A9", "STT", st.head)
	x.merge("B8", "B9", "Lĩnh vực, công việc giải quyết theo cấp", st.head)
	x.merge("C8", "F8", "Số hồ sơ nhận giải quyết", st.head)
	x.merge("G8", "J8", "Kết quả giải quyết: số hồ sơ đã giải quyết", st.head)
	x.merge("K8", "M8", "Số hồ sơ đang giải quyết", st.head)
	for i, c := range Columns {
		x.set(col(2+i)+strconv.Itoa(h2), c, st.head)
	}
	for i := range 13 {
		x.set(col(i)+strconv.Itoa(h3), fmt.Sprintf("(%d)", i+1), st.number)
	}

	row := h3 + 1
	for gi, g := range b.Groups {
		x.set("A"+strconv.Itoa(row), Roman(gi+1), st.groupLabel)
		x.set("B"+strconv.Itoa(row), g.Field, st.groupText)
		x.counts(row, g.Counts, st.groupNum)
		row++
		for li, l := range g.Lines {
			x.set("A"+strconv.Itoa(row), li+1, st.cellCenter)
			name := l.Procedure
			if l.Code != "" {
				name += " (" + l.Code + ")"
			}
			x.set("B"+strconv.Itoa(row), name, st.cellText)
			x.counts(row, l.Counts, st.cellNum)
			row++
		}
	}
	x.set("A"+strconv.Itoa(row), "", st.totalNum)
	x.set("B"+strconv.Itoa(row), TotalLabel, st.totalText)
	x.counts(row, b.Total, st.totalNum)
	totalRow := row

	// Notes and signatures.
	row += 2
	x.merge("A"+strconv.Itoa(row), "G"+strconv.Itoa(row), fmt.Sprintf("Số hồ sơ đang giải quyết tính đến %s. Hồ sơ dừng xử lý, rút hồ sơ được tính vào số đúng hạn.", b.Judged.Format("15:04 02/01/2006")), st.note)
	x.merge("I"+strconv.Itoa(row), last+strconv.Itoa(row), fmt.Sprintf("Ngày %02d tháng %02d năm %d", b.Made.Day(), b.Made.Month(), b.Made.Year()), st.centerItalic)
	row++
	x.merge("B"+strconv.Itoa(row), "C"+strconv.Itoa(row), "NGƯỜI LẬP BIỂU", st.bold)
	x.merge("I"+strconv.Itoa(row), last+strconv.Itoa(row), "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", st.bold)
	row++
	x.merge("B"+strconv.Itoa(row), "C"+strconv.Itoa(row), "(Ký, ghi rõ họ tên)", st.centerItalic)
	x.merge("I"+strconv.Itoa(row), last+strconv.Itoa(row), "(Ký tên, đóng dấu)", st.centerItalic)

	if x.err != nil {
		return x.err
	}
	widths := map[string]float64{"A": 6, "B": 58}
	for c, wd := range widths {
		if err := f.SetColWidth(Sheet, c, c, wd); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(Sheet, "C", last, 11); err != nil {
		return err
	}
	for r, ht := range map[int]float64{5: 36, h1: 30, h2: 45} {
		if err := f.SetRowHeight(Sheet, r, ht); err != nil {
			return err
		}
	}
	if err := f.SetPanes(Sheet, &excelize.Panes{Freeze: true, YSplit: h3, TopLeftCell: "A" + strconv.Itoa(h3+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	size, landscape, fit := 9, "landscape", 1 // 9: A4
	if err := f.SetPageLayout(Sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape, FitToWidth: &fit}); err != nil {
		return err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$%d:$%d", Sheet, h1, h3), Scope: Sheet}); err != nil {
		return err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "TongCong", RefersTo: fmt.Sprintf("'%s'!$C$%d:$M$%d", Sheet, totalRow, totalRow)}); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: "Biểu số 06/VPCP/KSTT — " + b.Period, Creator: "dunghan", Language: "vi-VN",
		Created: b.Made.UTC().Format("2006-01-02T15:04:05Z"), Modified: b.Made.UTC().Format("2006-01-02T15:04:05Z")}); err != nil {
		return err
	}
	_, err := f.WriteTo(w)
	return err
}

// sheet writes cells and keeps the first error.
type sheet struct {
	f   *excelize.File
	err error
}

func (x *sheet) set(cell string, v any, style int) {
	if x.err != nil {
		return
	}
	if x.err = x.f.SetCellValue(Sheet, cell, v); x.err == nil {
		x.err = x.f.SetCellStyle(Sheet, cell, cell, style)
	}
}

func (x *sheet) merge(from, to string, v any, style int) {
	if x.err != nil {
		return
	}
	x.set(from, v, style)
	if x.err == nil {
		x.err = x.f.MergeCell(Sheet, from, to)
	}
	if x.err == nil {
		x.err = x.f.SetCellStyle(Sheet, from, to, style)
	}
}

func (x *sheet) counts(row int, c Counts, style int) {
	for i, n := range c.Cells() {
		x.set(col(2+i)+strconv.Itoa(row), n, style)
	}
}

// col names the i-th column (0: A).
func col(i int) string {
	name, _ := excelize.ColumnNumberToName(i + 1)
	return name
}

type styles struct {
	agency, bold, motto, italic, center, centerItalic, rightItalic, title, note int
	head, number                                                                int
	cellText, cellCenter, cellNum                                               int
	groupLabel, groupText, groupNum                                             int
	totalText, totalNum                                                         int
}

func (x *sheet) styles() styles {
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	mk := func(s excelize.Style) int {
		if x.err != nil {
			return 0
		}
		if s.Font == nil {
			s.Font = &excelize.Font{}
		}
		s.Font.Family = font
		if s.Font.Size == 0 {
			s.Font.Size = 12
		}
		id, err := x.f.NewStyle(&s)
		x.err = err
		return id
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	left := &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}
	right := &excelize.Alignment{Horizontal: "right", Vertical: "center"}
	grey := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7EBF0"}}
	light := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F4F6F8"}}
	return styles{
		agency:       mk(excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: center}),
		bold:         mk(excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: center}),
		motto:        mk(excelize.Style{Font: &excelize.Font{Bold: true, Underline: "single"}, Alignment: center}),
		italic:       mk(excelize.Style{Font: &excelize.Font{Italic: true}, Alignment: center}),
		center:       mk(excelize.Style{Alignment: center}),
		centerItalic: mk(excelize.Style{Font: &excelize.Font{Italic: true}, Alignment: center}),
		rightItalic:  mk(excelize.Style{Font: &excelize.Font{Italic: true}, Alignment: right}),
		title:        mk(excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: center}),
		note:         mk(excelize.Style{Font: &excelize.Font{Italic: true, Size: 11}, Alignment: left}),
		head:         mk(excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: center, Border: border, Fill: grey}),
		number:       mk(excelize.Style{Font: &excelize.Font{Italic: true, Size: 10}, Alignment: center, Border: border}),
		cellText:     mk(excelize.Style{Alignment: left, Border: border}),
		cellCenter:   mk(excelize.Style{Alignment: center, Border: border}),
		cellNum:      mk(excelize.Style{Alignment: right, Border: border, NumFmt: 3}), // #,##0
		groupLabel:   mk(excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: center, Border: border, Fill: light}),
		groupText:    mk(excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: left, Border: border, Fill: light}),
		groupNum:     mk(excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: right, Border: border, Fill: light, NumFmt: 3}),
		totalText:    mk(excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: center, Border: border, Fill: grey}),
		totalNum:     mk(excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: right, Border: border, Fill: grey, NumFmt: 3}),
	}
}
