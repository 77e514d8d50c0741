package scorecard

import "math/big"

// Score is one group or metric of the output: its ratio (a percentage,
// two decimals), its score (two decimals; null when the metric is not
// scored) and its maximum.
type Score struct {
	Ratio float64  `json:"ratio"`
	Score *float64 `json:"score"`
	Max   int      `json:"max"`
}

// Total is the sum of the groups present and of their maxima.
type Total struct {
	Score float64 `json:"score"`
	Max   int     `json:"max"`
}

// Output is the what-if calculator's output. Groups and metrics that had
// no input are left out.
type Output struct {
	Groups  map[string]Score `json:"groups"`
	Metrics map[string]Score `json:"metrics"`
	Total   Total            `json:"total"`
}

// Points returns the score of a group or metric as a number (0 when null).
func (s Score) Points() float64 {
	if s.Score == nil {
		return 0
	}
	return *s.Score
}

// Lost is max − score, the points a group or metric lacks; 0 when not scored.
func (s Score) Lost() float64 {
	if s.Score == nil {
		return 0
	}
	return round2(new(big.Rat).Sub(big.NewRat(int64(s.Max), 1), rat(*s.Score)))
}

// Compute scores an input with the formula set. The input must be valid
// (Validate); Compute itself never fails and never yields NaN or Inf:
// every zero denominator has its rule.
//
//   - progress: 20 × onTime ÷ received (0 when nothing was received);
//     ratio 100 × onTime ÷ received;
//   - payment: min(10, 6A + min(2, 2.5B) + 2.5C), a ratio with a zero
//     denominator being 0 (the cap at the group's max is ours: with A, B
//     and C all 1 the fitted formula would give 10.5);
//   - online: min(2, 2A ÷ 0.8) + 4B + min(6, 6C ÷ 0.5);
//   - transparency, satisfaction, digitisation: the sum of their metrics'
//     scores, each by its rule; the group's max stays whole when a metric
//     has no score;
//   - a payment, online or summed group's ratio is 100 × its score ÷ max,
//     from the score as published (rounded): the reference's example gives
//     satisfaction 4.19 → 23.28 %, not 23.29 % from the unrounded 4.1922;
//   - a payment or online group whose counts are all 0 had no input (the
//     portal shows zeros where it has no data) and is left out, as in the
//     reference's example; progress with nothing received scores 0;
//   - the total is the sum of the groups' unrounded scores; its max, the
//     sum of their maxima.
//
// Ratios and scores are rounded half-up to two decimals from the
// unrounded values.
func Compute(set Set, in Input) Output {
	out := Output{Groups: map[string]Score{}, Metrics: map[string]Score{}}
	total := new(big.Rat)
	add := func(code string, score, ratio *big.Rat) {
		g, _ := set.Group(code)
		s := round2(score)
		if ratio == nil { // 100 × score ÷ max, from the published score
			ratio = new(big.Rat).Quo(new(big.Rat).Mul(rat(s), big.NewRat(100, 1)), big.NewRat(int64(g.Max), 1))
		}
		out.Groups[code] = Score{Ratio: round2(ratio), Score: &s, Max: g.Max}
		out.Total.Max += g.Max
		total.Add(total, score)
	}
	if p := in.Progress; p != nil {
		g, _ := set.Group(Progress)
		r := share(p.TotalOnTime, p.TotalReceived)
		add(Progress, scale(r, int64(g.Max)), scale(r, 100))
	}
	for _, g := range set.Groups {
		if !summed(g.Code) {
			continue
		}
		sum, present := new(big.Rat), false
		for _, m := range set.MetricsOf(g.Code) {
			c, ok := in.Metrics[m.Code]
			if !ok {
				continue
			}
			present = true
			score := metricScore(m, c)
			ms := Score{Ratio: round2(scale(share(c.Numerator, c.Denominator), 100)), Max: m.Max}
			if score != nil {
				v := round2(score)
				ms.Score = &v
				sum.Add(sum, score)
			}
			out.Metrics[m.Code] = ms
		}
		if present {
			add(g.Code, sum, nil)
		}
	}
	if p := in.Payment; p != nil && !allZero(p.params()) {
		g, _ := set.Group(Payment)
		a := share(p.TotalDossierOnlinePaymentSuccess, p.TotalDossierFinancialObligation)
		b := share(p.TotalDossierOnlineFormalityPaymentSuccess, p.TotalFeeFormality)
		c := share(p.TotalFeeDossierFormality, p.TotalFeeFormality)
		score := new(big.Rat).Mul(set.PayA.rat(), a)
		score.Add(score, minRat(set.PayBCap.rat(), new(big.Rat).Mul(set.PayB.rat(), b)))
		score.Add(score, new(big.Rat).Mul(set.PayC.rat(), c))
		add(Payment, minRat(big.NewRat(int64(g.Max), 1), score), nil)
	}
	if o := in.Online; o != nil && set.OnlineEnabled && !allZero(o.params()) {
		a := share(o.PartialCount+o.FullCount, o.AuthorityCount)
		b := share(o.OnlineDossierCount, o.OnlineServiceTotal)
		c := share(o.ChannelOnlineSum, o.ChannelTotalSum)
		score := minRat(set.OnA.rat(), new(big.Rat).Quo(new(big.Rat).Mul(set.OnA.rat(), a), set.OnAThreshold.rat()))
		score.Add(score, new(big.Rat).Mul(set.OnB.rat(), b))
		score.Add(score, minRat(set.OnC.rat(), new(big.Rat).Quo(new(big.Rat).Mul(set.OnC.rat(), c), set.OnCThreshold.rat())))
		add(Online, score, nil)
	}
	out.Total.Score = round2(total)
	return out
}

// allZero reports whether every count of a group is 0: the portal's
// screens show zeros where it has no data, and the reference's example
// leaves such payment and online groups out of the output.
func allZero(ps []param) bool {
	for _, p := range ps {
		if *p.ptr != 0 {
			return false
		}
	}
	return true
}

// metricScore is a metric's unrounded score; nil when it has none.
func metricScore(m Metric, c Counted) *big.Rat {
	if m.Rule == Info {
		return nil
	}
	max := big.NewRat(int64(m.Max), 1)
	if c.Denominator == 0 {
		switch m.Zero {
		case ZeroNone:
			return new(big.Rat)
		case ZeroFull:
			return max
		}
		return nil
	}
	v := new(big.Rat).Mul(max, big.NewRat(c.Numerator, c.Denominator))
	if m.Rule == Threshold {
		v.Quo(v, m.Threshold.rat())
	}
	return minRat(max, v)
}

// share is n ÷ d, or 0 when d is 0.
func share(n, d int64) *big.Rat {
	if d == 0 {
		return new(big.Rat)
	}
	return big.NewRat(n, d)
}

func scale(r *big.Rat, k int64) *big.Rat { return new(big.Rat).Mul(r, big.NewRat(k, 1)) }

func minRat(a, b *big.Rat) *big.Rat {
	if a.Cmp(b) <= 0 {
		return new(big.Rat).Set(a)
	}
	return new(big.Rat).Set(b)
}

// rat is the exact value of a float64 that holds a two-decimal number.
func rat(f float64) *big.Rat {
	r, _ := new(big.Rat).SetString(big.NewFloat(f).Text('f', 2))
	return r
}

var hundred = big.NewInt(100)

// round2 rounds a non-negative rational half-up to two decimals and
// returns the nearest float64 (which prints as those two decimals).
func round2(x *big.Rat) float64 {
	neg := x.Sign() < 0
	v := new(big.Rat).Abs(x)
	v.Mul(v, big.NewRat(100, 1))
	v.Add(v, big.NewRat(1, 2))
	n := new(big.Int).Quo(v.Num(), v.Denom()) // floor, v ≥ 0
	f, _ := new(big.Rat).SetFrac(n, hundred).Float64()
	if neg {
		return -f
	}
	return f
}
