// Package scorecard is the Decision 766 index (Bộ chỉ số 766): its six
// groups, their metrics and the formulas that reproduce the national
// portal's scores, as a versioned formula set; the what-if calculator that
// scores the portal's own parameters; and the mapping from the facts this
// system knows about its dossiers to those parameters. It is pure: no SQL,
// no HTTP, no clock.
//
// Arithmetic is exact (math/big rationals): ratios and scores are rounded
// half-up to two decimals only at the end, from the unrounded values, as
// the portal publishes them.
package scorecard

import "math/big"

// Group codes: the keys of the groups in the what-if output.
const (
	Transparency = "transparency"
	Progress     = "progress"
	Online       = "online"
	Payment      = "payment"
	Digitisation = "digitisation"
	Satisfaction = "satisfaction"
)

// Group is one of the six groups of the index.
type Group struct {
	Code   string
	Label  string // Vietnamese, as the portal shows it
	Portal string // the group's API name on the portal
	Max    int
}

// Rule is how a metric turns its ratio r = numerator ÷ denominator into points.
type Rule int

// Rules.
const (
	Linear    Rule = iota // min(max, max × r)
	Threshold             // min(max, max × r ÷ threshold): the threshold or more gives full marks
	Info                  // shown for information only: never scored
)

// ZeroRule is what a metric scores when its denominator is 0.
type ZeroRule int

// Zero-denominator rules.
const (
	ZeroNull ZeroRule = iota // no score (null): adds 0, the group's max does not shrink
	ZeroNone                 // 0 points
	ZeroFull                 // full marks
)

// Frac is an exact fraction N/D (D > 0), for thresholds and coefficients.
type Frac struct{ N, D int64 }

func (f Frac) rat() *big.Rat { return big.NewRat(f.N, f.D) }

// Metric is one scored (or informative) metric of a group that is the sum
// of its metrics: transparency, satisfaction, digitisation.
type Metric struct {
	Code      string
	Group     string
	Label     string // Vietnamese
	Max       int
	Rule      Rule
	Threshold Frac // for Threshold
	Zero      ZeroRule
}

// Set is a versioned formula set. The portal can change its formulas
// without a new decision, so the set in force is data, not code paths.
type Set struct {
	Version string
	Groups  []Group  // in the portal's display order
	Metrics []Metric // in display order within their groups
	// OnlineEnabled switches the online-service group on. Its formula was
	// fitted on few observations; with it off the group is never scored.
	OnlineEnabled bool
	// Payment: score = PayA×A + min(PayBCap, PayB×B) + PayC×C.
	PayA, PayB, PayBCap, PayC Frac
	// Online: score = min(OnA, OnA×A ÷ OnAThreshold) + OnB×B + min(OnC, OnC×C ÷ OnCThreshold).
	OnA, OnB, OnC              Frac
	OnAThreshold, OnCThreshold Frac
}

// V2026 is the formula set fitted to the scores the portal published in
// 2026 (reference/qd766-scoring.md): each fits within ±0.015 points.
var V2026 = Set{
	Version: "766-2026",
	Groups: []Group{
		{Transparency, "Công khai, minh bạch", "transparency", 18},
		{Progress, "Tiến độ giải quyết", "dvc-progress-tree", 20},
		{Online, "Dịch vụ công trực tuyến", "provide-online-tree", 12},
		{Payment, "Thanh toán trực tuyến", "formality-online-payment-tree", 10},
		{Digitisation, "Số hóa hồ sơ", "dossier-digitized", 22},
		{Satisfaction, "Mức độ hài lòng", "handling-satisfaction", 18},
	},
	Metrics: []Metric{
		{Code: "PUBLISH_ON_TIME", Group: Transparency, Label: "Công bố TTHC đúng hạn", Max: 6},
		{Code: "PUBLIC_UPDATE_ON_TIME", Group: Transparency, Label: "Công khai TTHC trên Cơ sở dữ liệu quốc gia đúng hạn", Max: 4},
		{Code: "PUBLIC_CONTENT_FULL", Group: Transparency, Label: "Công khai đầy đủ các nội dung TTHC", Max: 2},
		{Code: "DOSSIER_SYNC", Group: Transparency, Label: "Đồng bộ trạng thái hồ sơ lên Cổng DVC quốc gia theo thời gian thực", Max: 6},

		{Code: "DOSSIER_RECEIVING_SATISFACTION", Group: Satisfaction, Label: "Hồ sơ không quá hạn, không bị phản ánh không hài lòng", Max: 6,
			Rule: Threshold, Threshold: Frac{9, 10}, Zero: ZeroNone},
		{Code: "PETITION_PROCESSING_ON_TIME", Group: Satisfaction, Label: "Phản ánh, kiến nghị được xử lý đúng hạn", Max: 6, Zero: ZeroFull},
		{Code: "PETITION_HANDLING_SATISFACTION", Group: Satisfaction, Label: "Hài lòng với việc xử lý phản ánh, kiến nghị", Max: 6, Zero: ZeroFull},
		{Code: "PETITION_CLASSIFICATION_TTHC", Group: Satisfaction, Label: "Phản ánh, kiến nghị về quy định TTHC (theo dõi)", Rule: Info},
		{Code: "PETITION_CLASSIFICATION_STAFF", Group: Satisfaction, Label: "Phản ánh, kiến nghị về cán bộ, công chức (theo dõi)", Rule: Info},

		{Code: "ORIGINAL_RESULT_AVAILABLE", Group: Digitisation, Label: "Cấp kết quả giải quyết TTHC điện tử", Max: 6},
		{Code: "SO_HOA_GIAY_TO_GIAI_QUYET", Group: Digitisation, Label: "Số hóa hồ sơ và kết quả giải quyết TTHC", Max: 4},
		{Code: "ELECTRONIC_CERTIFIED_COPY", Group: Digitisation, Label: "Cung cấp dịch vụ chứng thực bản sao điện tử", Max: 2},
		{Code: "REUSED_DIGITIZED_DATA", Group: Digitisation, Label: "Tái sử dụng dữ liệu đã số hóa", Max: 2, Rule: Threshold, Threshold: Frac{8, 10}},
		{Code: "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", Group: Digitisation, Label: "Kết nối kho dữ liệu cá nhân trên Cổng DVC quốc gia", Max: 4},
		{Code: "CITIZEN_DATA_CONNECTED_DOSSIER", Group: Digitisation, Label: "Hồ sơ sử dụng dữ liệu dân cư", Max: 2},
		{Code: "CITIZEN_DATA_CONNECTED_FORMALITY", Group: Digitisation, Label: "TTHC kết nối dữ liệu dân cư", Max: 2},
	},
	OnlineEnabled: true,
	PayA:          Frac{6, 1}, PayB: Frac{5, 2}, PayBCap: Frac{2, 1}, PayC: Frac{5, 2},
	OnA: Frac{2, 1}, OnB: Frac{4, 1}, OnC: Frac{6, 1},
	OnAThreshold: Frac{8, 10}, OnCThreshold: Frac{5, 10},
}

// Current is the formula set in force.
var Current = V2026

// Group returns the group with the code.
func (s Set) Group(code string) (Group, bool) {
	for _, g := range s.Groups {
		if g.Code == code {
			return g, true
		}
	}
	return Group{}, false
}

// Metric returns the metric with the code.
func (s Set) Metric(code string) (Metric, bool) {
	for _, m := range s.Metrics {
		if m.Code == code {
			return m, true
		}
	}
	return Metric{}, false
}

// MetricsOf lists the metrics of a group in display order.
func (s Set) MetricsOf(group string) []Metric {
	var out []Metric
	for _, m := range s.Metrics {
		if m.Group == group {
			out = append(out, m)
		}
	}
	return out
}

// summed reports whether a group's score is the sum of its metrics.
func summed(group string) bool {
	return group == Transparency || group == Satisfaction || group == Digitisation
}
