// Package report lays out the periodic reports: the table of "Biểu số
// 06/VPCP/KSTT — Tình hình, kết quả giải quyết TTHC tại cơ quan, đơn vị
// trực tiếp giải quyết TTHC" (reference/domain-vn.md §5), shown as a page
// and exported as an .xlsx workbook styled like a government report. The
// page and the workbook are drawn from the same table, so their figures
// cannot differ.
package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Counts are the eleven figures of a Biểu 06 row (columns 3 to 13).
type Counts struct {
	Online, Paper, Carried int // received in the period online, in person or by post; carried over
	Early, OnTime, Late    int // resolved in the period
	Within, Overdue        int // still in progress when the period is judged
}

// Received is column 3: every dossier the period had to resolve.
func (c Counts) Received() int { return c.Online + c.Paper + c.Carried }

// Resolved is column 7.
func (c Counts) Resolved() int { return c.Early + c.OnTime + c.Late }

// InProgress is column 11.
func (c Counts) InProgress() int { return c.Within + c.Overdue }

// Cells are columns 3 to 13 in order.
func (c Counts) Cells() [11]int {
	return [11]int{c.Received(), c.Online, c.Paper, c.Carried, c.Resolved(), c.Early, c.OnTime, c.Late, c.InProgress(), c.Within, c.Overdue}
}

// Add sums o into c.
func (c *Counts) Add(o Counts) {
	c.Online += o.Online
	c.Paper += o.Paper
	c.Carried += o.Carried
	c.Early += o.Early
	c.OnTime += o.OnTime
	c.Late += o.Late
	c.Within += o.Within
	c.Overdue += o.Overdue
}

// Columns are the headers of columns 3 to 13, grouped as the template groups them.
var Columns = [11]string{"Tổng số", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước",
	"Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"}

// Line is one procedure of the report.
type Line struct {
	Field     string // lĩnh vực
	Procedure string // name
	Code      string // national TTHC code, may be empty
	Counts
}

// Group is one field (lĩnh vực) with its procedures and its subtotal.
type Group struct {
	Field string
	Lines []Line
	Counts
}

// Bieu06 is the whole report.
type Bieu06 struct {
	Agency string    // the reporting agency
	Unit   string    // "" for the whole agency, else the unit's name
	Period string    // "tháng 11/2026"
	From   time.Time // first day
	Last   time.Time // last day
	Judged time.Time // when the in-progress columns were judged: the period's end, or now
	Made   time.Time // when the report was made
	Groups []Group
	Total  Counts
}

// OtherField names the group of procedures without a field.
const OtherField = "Lĩnh vực khác"

// Group gathers lines by field (fields that differ only in case or
// spacing are one), fields and procedures in Vietnamese alphabetical
// order, and sums the subtotals and the total.
func (b *Bieu06) Group(lines []Line) {
	byKey := map[string]*Group{}
	for _, l := range lines {
		field := strings.Join(strings.Fields(norm.NFC.String(l.Field)), " ")
		if field == "" {
			field = OtherField
		}
		key := strings.ToLower(field)
		g := byKey[key]
		if g == nil {
			g = &Group{Field: field}
			byKey[key] = g
		}
		l.Field = g.Field
		g.Lines = append(g.Lines, l)
		g.Counts.Add(l.Counts)
		b.Total.Add(l.Counts)
	}
	b.Groups = b.Groups[:0]
	for _, g := range byKey {
		slices.SortFunc(g.Lines, func(a, b Line) int { return cmp.Or(Collate(a.Procedure, b.Procedure), strings.Compare(a.Code, b.Code)) })
		b.Groups = append(b.Groups, *g)
	}
	slices.SortFunc(b.Groups, func(a, b Group) int {
		switch { // the procedures without a field last
		case a.Field == OtherField && b.Field != OtherField:
			return 1
		case b.Field == OtherField && a.Field != OtherField:
			return -1
		}
		return Collate(a.Field, b.Field)
	})
}

// Collate compares Vietnamese text by its letters first (ignoring tone
// marks and case), then exactly: "Đ" sorts after "D", as in a dictionary
// closely enough for a report.
func Collate(a, b string) int {
	return cmp.Or(strings.Compare(collateKey(a), collateKey(b)), strings.Compare(a, b))
}

func collateKey(s string) string {
	var out strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r >= 0x300 && r <= 0x36f: // combining marks: tones and vowel marks
		case r == 'đ':
			out.WriteString("dz") // after every other d
		default:
			out.WriteRune(r)
		}
	}
	return out.String()
}

// Roman writes n (1–3999) in Roman numerals, for the field rows.
func Roman(n int) string {
	if n <= 0 || n >= 4000 {
		return ""
	}
	var b strings.Builder
	for _, x := range []struct {
		v int
		s string
	}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for n >= x.v {
			b.WriteString(x.s)
			n -= x.v
		}
	}
	return b.String()
}
