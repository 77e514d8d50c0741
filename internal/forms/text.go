package forms

import (
	"strings"
	"sync"
	"unicode"

	"github.com/go-fonts/liberation/liberationserifbold"
	"github.com/go-fonts/liberation/liberationserifitalic"
	"github.com/go-fonts/liberation/liberationserifregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// fonts are the faces the forms use, by fpdf style.
var fonts = map[string][]byte{
	"":  liberationserifregular.TTF,
	"B": liberationserifbold.TTF,
	"I": liberationserifitalic.TTF,
}

// coverage is the set of runes every face has a glyph for. Only the Basic
// Multilingual Plane counts: fpdf's tables stop there.
var coverage = sync.OnceValue(func() *[1 << 16]bool {
	var set [1 << 16]bool
	for i := range set {
		set[i] = true
	}
	var buf sfnt.Buffer
	for _, ttf := range fonts {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic(err) // the embedded fonts parse, and a test says so
		}
		for r := range set {
			if !set[r] {
				continue
			}
			if g, err := f.GlyphIndex(&buf, rune(r)); err != nil || g == 0 {
				set[r] = false
			}
		}
	}
	return &set
})

// covered reports whether the fonts can draw r.
func covered(r rune) bool { return r >= 0 && r < 1<<16 && coverage()[r] }

// replacement is drawn for a character the fonts lack: a white square, or
// "?" if the fonts lacked that too.
var replacement = sync.OnceValue(func() rune {
	if covered('□') {
		return '□'
	}
	return '?'
})

// maxRunes bounds any one text before wrapping; longer texts are cut with "…".
const maxRunes = 4000

// clean makes s printable: valid UTF-8 in NFC; tabs and line breaks as
// spaces (kept as "\n" when multiline); other control and format
// characters and orphan combining marks dropped; characters the fonts lack
// replaced visibly. It never returns a rune fpdf cannot draw.
func clean(s string, multiline bool) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == maxRunes {
			b.WriteRune('…')
			break
		}
		switch {
		case r == '\r':
			continue
		case r == '\n' && multiline:
		case r == '\n' || r == '\t' || unicode.IsSpace(r):
			r = ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
			continue
		case !covered(r):
			r = replacement()
		}
		b.WriteRune(r)
		n++
	}
	out := b.String()
	if multiline {
		lines := strings.Split(out, "\n")
		for i, l := range lines {
			lines[i] = strings.Join(strings.Fields(l), " ")
		}
		return strings.Trim(strings.Join(lines, "\n"), "\n")
	}
	return strings.Join(strings.Fields(out), " ")
}
