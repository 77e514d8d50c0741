package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Charts are inline SVG drawn here, on the server: no script, no
// third-party library. Every chart is an image with an accessible name
// (role="img" and <title>), and every chartSegment has its own <title>, which
// browsers show on hover. The numbers are also in a table next to each chart.

// chartSegment is one coloured part of a chart.
type chartSegment struct {
	Label string
	Value int
	Color string
}

// Urgency colours, also used by the legends in overview.html.
const (
	colorOverdue = "#b3261e"
	colorDue1    = "#e8710a"
	colorDue3    = "#f2c14e"
	colorOnTrack = "#2e7d32"
	colorPaused  = "#8a94a0"
	colorEarly   = "#1b5e20"
	colorOnTime  = "#66bb6a"
	colorLate    = "#b3261e"
	colorEmpty   = "#e6e9ee"
)

// describeSegments lists the non-empty segments as "Quá hạn: 2, Tạm dừng: 1".
func describeSegments(segs []chartSegment) string {
	var parts []string
	for _, s := range segs {
		if s.Value > 0 {
			parts = append(parts, fmt.Sprintf("%s: %d", s.Label, s.Value))
		}
	}
	if len(parts) == 0 {
		return "không có hồ sơ"
	}
	return strings.Join(parts, ", ")
}

// stackedBar draws one horizontal bar: its segments side by side, scaled so
// that scale fills the width (bars of one chart share scale, so they compare).
// The SVG stretches to the width of its container.
func stackedBar(name string, segs []chartSegment, scale int) template.HTML {
	const w, h = 1000.0, 20.0
	title := template.HTMLEscapeString(name + " — " + describeSegments(segs))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bar" viewBox="0 0 %.0f %.0f" preserveAspectRatio="none" role="img" aria-label="%s"><title>%s</title>`, w, h, title, title)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%.0f" height="%.0f" fill="%s"/>`, w, h, colorEmpty)
	if scale > 0 {
		x := 0.0
		for _, s := range segs {
			if s.Value <= 0 {
				continue
			}
			sw := w * float64(s.Value) / float64(scale)
			fmt.Fprintf(&b, `<rect x="%.2f" y="0" width="%.2f" height="%.0f" fill="%s"><title>%s</title></rect>`,
				x, sw, h, s.Color, template.HTMLEscapeString(fmt.Sprintf("%s: %d", s.Label, s.Value)))
			x += sw
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// donut draws a ring of the segments' shares with the total in its centre
// and caption under the total.
func donut(name, caption string, segs []chartSegment) template.HTML {
	total := 0
	for _, s := range segs {
		total += max(s.Value, 0)
	}
	// A circle of circumference 100 makes the dash lengths percentages.
	const r = 100 / (2 * math.Pi)
	title := template.HTMLEscapeString(name + " — " + describeSegments(segs))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="donut" viewBox="0 0 42 42" width="180" height="180" role="img" aria-label="%s"><title>%s</title>`, title, title)
	fmt.Fprintf(&b, `<circle cx="21" cy="21" r="%.4f" fill="none" stroke="%s" stroke-width="6"/>`, r, colorEmpty)
	offset := 25.0 // start at twelve o'clock
	for _, s := range segs {
		if s.Value <= 0 || total == 0 {
			continue
		}
		p := 100 * float64(s.Value) / float64(total)
		fmt.Fprintf(&b, `<circle cx="21" cy="21" r="%.4f" fill="none" stroke="%s" stroke-width="6" stroke-dasharray="%.3f %.3f" stroke-dashoffset="%.3f"><title>%s</title></circle>`,
			r, s.Color, p, 100-p, offset, template.HTMLEscapeString(fmt.Sprintf("%s: %d (%s)", s.Label, s.Value, percentVN(s.Value, total))))
		offset -= p
	}
	fmt.Fprintf(&b, `<text x="21" y="21" text-anchor="middle" font-size="8" font-weight="700" fill="#1b1f24">%d</text>`, total)
	fmt.Fprintf(&b, `<text x="21" y="27.5" text-anchor="middle" font-size="4" fill="#5b6470">%s</text>`, template.HTMLEscapeString(caption))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// percentVN formats part/total the Vietnamese way, e.g. "85,3 %"; "—" when total is 0.
func percentVN(part, total int) string {
	if total <= 0 {
		return "—"
	}
	return strings.Replace(fmt.Sprintf("%.1f %%", 100*float64(part)/float64(total)), ".", ",", 1)
}

// Swatch is the segment's colour as a small square for a legend.
func (s chartSegment) Swatch() template.HTML {
	return template.HTML(fmt.Sprintf(`<svg class="swatch" width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="%s"/></svg>`, s.Color))
}
