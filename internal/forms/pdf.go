package forms

import (
	"bytes"
	"fmt"
	"image/color"
	"strings"
	"time"

	"github.com/boombuler/barcode/qr"
	"github.com/go-pdf/fpdf"

	"dunghan/internal/apperr"
)

// paper is a page format, in millimetres, with its margins.
type paper struct {
	w, h                     float64 // as printed (landscape: w > h)
	left, right, top, bottom float64
}

var (
	a5          = paper{w: 148, h: 210, left: 15, right: 10, top: 8, bottom: 10}
	a4Landscape = paper{w: 297, h: 210, left: 15, right: 10, top: 10, bottom: 14}
)

const (
	family = "serif"
	ptMM   = 25.4 / 72 // one point in millimetres
)

// doc is one PDF being laid out top to bottom. Every text goes through
// clean and is wrapped to its box; a line that would still run off its box
// or off the page is recorded in faults, and bytes refuses the document.
type doc struct {
	pdf       *fpdf.Fpdf
	t         *Texts
	p         paper
	style     string  // current font style: "", "B" or "I"
	size      float64 // current font size in points
	onNewPage func()  // redraws what each page repeats (a table's header)
	faults    []string
}

// newDoc starts a document on paper p; now stamps its dates.
func newDoc(t *Texts, p paper, now time.Time, title string) *doc {
	orient, size := "P", fpdf.SizeType{Wd: p.w, Ht: p.h}
	if p.w > p.h {
		orient, size = "L", fpdf.SizeType{Wd: p.h, Ht: p.w}
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: orient, UnitStr: "mm", Size: size})
	for style, ttf := range fonts {
		pdf.AddUTF8FontFromBytes(family, style, ttf)
	}
	pdf.SetMargins(p.left, p.top, p.right)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(0)
	pdf.SetCreationDate(now)
	pdf.SetModificationDate(now)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(clean(title, false), true)
	pdf.SetProducer("dunghan", false)
	pdf.SetLang("vi-VN")
	pdf.SetLineWidth(0.2)
	d := &doc{pdf: pdf, t: t, p: p}
	pdf.AddPage()
	d.font("", 11)
	return d
}

// width is the usable width between the margins.
func (d *doc) width() float64 { return d.p.w - d.p.left - d.p.right }

func (d *doc) y() float64     { return d.pdf.GetY() }
func (d *doc) setY(y float64) { d.pdf.SetY(y) }
func (d *doc) gap(mm float64) { d.setY(d.y() + mm) }

func (d *doc) font(style string, size float64) {
	d.style, d.size = style, size
	d.pdf.SetFont(family, style, size)
}

// lh is the line height of the current font.
func (d *doc) lh() float64 { return d.size * ptMM * 1.25 }

// room starts a new page unless h millimetres fit above the bottom margin.
func (d *doc) room(h float64) {
	if d.y()+h <= d.p.h-d.p.bottom {
		return
	}
	d.pdf.AddPage()
	d.setY(d.p.top)
	if d.onNewPage != nil {
		d.onNewPage()
	}
}

// measure is the printed width of s in the current font.
func (d *doc) measure(s string) float64 { return d.pdf.GetStringWidth(s) }

// wrap breaks clean text s into lines no wider than w, at spaces, or
// inside a word too long for a line. More than max lines are cut to max,
// the last ending in "…". A "\n" in s starts a new line.
func (d *doc) wrap(s string, w float64, max int) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			if cand := strings.TrimPrefix(line+" "+word, " "); d.measure(cand) <= w {
				line = cand
				continue
			}
			if line != "" {
				lines = append(lines, line)
			}
			for d.measure(word) > w {
				n := d.fit(word, w)
				lines = append(lines, word[:n])
				word = word[n:]
			}
			line = word
		}
		lines = append(lines, line)
		if len(lines) > max {
			break
		}
	}
	if len(lines) > max {
		lines = lines[:max]
		last := []rune(lines[max-1])
		for len(last) > 0 && d.measure(string(last)+"…") > w {
			last = last[:len(last)-1]
		}
		lines[max-1] = strings.TrimRight(string(last), " ") + "…"
	}
	return lines
}

// fit is the byte length of the longest prefix of word no wider than w;
// at least one rune, so that wrapping always advances.
func (d *doc) fit(word string, w float64) int {
	n := 0
	for i, r := range word {
		end := i + len(string(r))
		if n > 0 && d.measure(word[:end]) > w {
			break
		}
		n = end
	}
	return n
}

// text draws s wrapped in the box [x, x+w] from the current line down,
// breaking pages as needed; align is "L", "C" or "R".
func (d *doc) text(x, w float64, s, align string, max int) {
	for _, line := range d.wrap(clean(s, true), w, max) {
		d.room(d.lh())
		d.cell(x, d.y(), w, line, align)
		d.gap(d.lh())
	}
}

// cell draws one line of text in the box at (x, y), checking that it fits.
func (d *doc) cell(x, y, w float64, line, align string) {
	if tw := d.measure(line); tw > w+0.01 || x < d.p.left-0.01 || x+w > d.p.w-d.p.right+0.01 || y+d.lh() > d.p.h-d.p.bottom+0.01 {
		d.faults = append(d.faults, fmt.Sprintf("page %d: %q (%.1f mm wide) at x=%.1f y=%.1f w=%.1f", d.pdf.PageNo(), line, tw, x, y, w))
	}
	d.pdf.SetXY(x, y)
	d.pdf.CellFormat(w, d.lh(), line, "", 0, align, false, 0, "")
}

// para draws a paragraph across the page.
func (d *doc) para(s string, max int) { d.text(d.p.left, d.width(), s, "L", max) }

// heading draws the form number, the agency and unit on the left, the
// national heading on the right, and the place and date line under it.
func (d *doc) heading(agencyName, unitName, number, circular, dateLine string) {
	h := d.t.Heading
	top := d.p.top
	d.font("I", 8)
	d.setY(top)
	d.text(d.p.left, d.width(), fill(h.FormNumber, map[string]string{"number": number, "circular": circular}, ""), "R", 1)
	top = d.y() + 1
	leftW := d.width() * 0.42
	if d.p.w > d.p.h {
		leftW = d.width() * 0.38
	}
	rightX, rightW := d.p.left+leftW, d.width()-leftW
	size := 9.5
	if d.p.w > d.p.h {
		size = 11
	}

	d.setY(top)
	d.font("", size)
	d.text(d.p.left, leftW, strings.ToUpper(agencyName), "C", 3)
	d.font("B", size)
	d.text(d.p.left, leftW, strings.ToUpper(unitName), "C", 3)
	rule := leftW / 3
	d.pdf.Line(d.p.left+(leftW-rule)/2, d.y()+0.6, d.p.left+(leftW+rule)/2, d.y()+0.6)
	leftEnd := d.y() + 1

	d.setY(top)
	d.font("B", size)
	d.text(rightX, rightW, h.Country, "C", 2)
	d.font("B", size+1)
	d.text(rightX, rightW, h.Motto, "C", 2)
	mw := min(d.measure(clean(h.Motto, false)), rightW)
	d.pdf.Line(rightX+(rightW-mw)/2, d.y()+0.6, rightX+(rightW+mw)/2, d.y()+0.6)
	rightEnd := d.y() + 1

	d.setY(max(leftEnd, rightEnd) + 1.5)
	if dateLine != "" {
		d.font("I", size+0.5)
		d.text(rightX, rightW, dateLine, "C", 2)
	}
	d.gap(3)
}

// title draws the form's title, centred.
func (d *doc) title(s string) {
	d.font("B", 12.5)
	d.room(2 * d.lh())
	d.text(d.p.left, d.width(), s, "C", 3)
	d.gap(1)
}

// signer is one signature column: its heading, hint and the printed name.
type signer struct{ title, hint, name string }

// signatures draws signature columns side by side; a single one sits on
// the right half. The block never splits across pages.
func (d *doc) signatures(ss ...signer) {
	d.gap(3)
	d.room(36)
	colW := d.width() / float64(len(ss))
	x0 := d.p.left
	if len(ss) == 1 {
		colW = d.width() / 2
		x0 += colW
	}
	top, bottom := d.y(), d.y()
	for i, s := range ss {
		x := x0 + float64(i)*colW
		d.setY(top)
		d.font("B", 10.5)
		d.text(x, colW, s.title, "C", 2)
		d.font("I", 9.5)
		d.text(x, colW, s.hint, "C", 2)
		d.gap(17)
		d.font("B", 10.5)
		d.text(x, colW, s.name, "C", 2)
		bottom = max(bottom, d.y())
	}
	d.setY(bottom)
}

// column is a table column: its heading, width and alignment.
type column struct {
	head  string
	w     float64
	align string
}

// table draws rows under a header that repeats on every page. Each cell
// wraps to its column and keeps at most maxLines lines, so that any row
// fits on a page.
func (d *doc) table(cols []column, rows [][]string, size float64, maxLines int) {
	const pad = 1
	header := func() {
		style, was := d.style, d.size
		d.font("B", size)
		d.row(cols, headsOf(cols), pad, 6, true)
		d.font(style, was)
	}
	d.room(30)
	header()
	d.onNewPage = header
	for _, r := range rows {
		d.font("", size)
		d.row(cols, r, pad, maxLines, false)
	}
	d.onNewPage = nil
}

func headsOf(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.head
	}
	return out
}

// row draws one table row with borders, moving to a new page first if it
// does not fit.
func (d *doc) row(cols []column, cells []string, pad float64, maxLines int, head bool) {
	wrapped := make([][]string, len(cols))
	n := 1
	for i, c := range cols {
		text := ""
		if i < len(cells) {
			text = cells[i]
		}
		wrapped[i] = d.wrap(clean(text, true), c.w-2*pad, maxLines)
		n = max(n, len(wrapped[i]))
	}
	h := float64(n)*d.lh() + 2*pad
	if !head {
		d.room(h)
	}
	y, x := d.y(), d.p.left
	for i, c := range cols {
		d.pdf.Rect(x, y, c.w, h, "D")
		align := c.align
		if head {
			align = "C"
		}
		for j, line := range wrapped[i] {
			d.cell(x+pad, y+pad+float64(j)*d.lh(), c.w-2*pad, line, align)
		}
		x += c.w
	}
	d.setY(y + h)
}

// qr draws content as a QR code (error correction M) of side size at
// (x, y): one filled rectangle per run of dark modules, so it stays sharp
// at any zoom.
func (d *doc) qr(x, y, size float64, content string) error {
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return apperr.Wrap(apperr.Internal, "Không tạo được mã QR tra cứu.", err)
	}
	n := code.Bounds().Dx()
	m := size / float64(n)
	dark := func(i, j int) bool {
		return color.GrayModel.Convert(code.At(i, j)).(color.Gray).Y < 128
	}
	d.pdf.SetFillColor(0, 0, 0)
	for j := range n {
		for i := 0; i < n; {
			if !dark(i, j) {
				i++
				continue
			}
			run := i
			for run < n && dark(run, j) {
				run++
			}
			d.pdf.Rect(x+float64(i)*m, y+float64(j)*m, float64(run-i)*m, m, "F")
			i = run
		}
	}
	return nil
}

// pageNumbers writes "Trang n/N" at the foot of every page.
func (d *doc) pageNumbers() {
	total := d.pdf.PageCount()
	d.font("I", 8)
	for n := 1; n <= total; n++ {
		d.pdf.SetPage(n)
		s := fill(d.t.Heading.Page, map[string]string{"page": fmt.Sprint(n), "pages": fmt.Sprint(total)}, "")
		y := d.p.h - d.p.bottom + 2
		d.pdf.SetXY(d.p.left, y)
		d.pdf.CellFormat(d.width(), d.lh(), clean(s, false), "", 0, "C", false, 0, "")
	}
}

// bytes finishes the document. A layout fault is a bug: it is reported,
// never printed as a broken page.
func (d *doc) bytes() ([]byte, error) {
	if len(d.faults) > 0 {
		return nil, apperr.Wrap(apperr.Internal, "Lỗi dàn trang biểu mẫu.", fmt.Errorf("text beyond its box: %s", strings.Join(d.faults, "; ")))
	}
	var buf bytes.Buffer
	if err := d.pdf.Output(&buf); err != nil {
		return nil, apperr.Wrap(apperr.Internal, "Không tạo được tệp PDF.", err)
	}
	return buf.Bytes(), nil
}
