package scorecard

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

// genCount draws a denominator: mostly small, sometimes 0 or huge.
func genCount(t *rapid.T, label string) int64 {
	switch rapid.IntRange(0, 9).Draw(t, label+"-size") {
	case 0:
		return 0
	case 1:
		return rapid.Int64Range(0, MaxCount).Draw(t, label)
	}
	return rapid.Int64Range(0, 2000).Draw(t, label)
}

func genPart(t *rapid.T, label string, whole int64) int64 {
	return rapid.Int64Range(0, whole).Draw(t, label)
}

func genInput(t *rapid.T) Input {
	var in Input
	if rapid.Bool().Draw(t, "progress") {
		r := genCount(t, "received")
		in.Progress = &ProgressInput{TotalReceived: r, TotalOnTime: genPart(t, "onTime", r)}
	}
	if rapid.Bool().Draw(t, "payment") {
		ob, fees := genCount(t, "obligation"), genCount(t, "feeFormality")
		in.Payment = &PaymentInput{TotalDossierFinancialObligation: ob, TotalDossierOnlinePaymentSuccess: genPart(t, "paid", ob),
			TotalFeeFormality: fees, TotalDossierOnlineFormalityPaymentSuccess: genPart(t, "paidProcs", fees), TotalFeeDossierFormality: genPart(t, "feeProcs", fees)}
	}
	if rapid.Bool().Draw(t, "online") {
		auth := genCount(t, "authority")
		partial := genPart(t, "partial", auth)
		st, ct := genCount(t, "serviceTotal"), genCount(t, "channelTotal")
		in.Online = &OnlineInput{AuthorityCount: auth, PartialCount: partial, FullCount: genPart(t, "full", auth-partial),
			OnlineServiceTotal: st, OnlineDossierCount: genPart(t, "onlineDossiers", st), ChannelTotalSum: ct, ChannelOnlineSum: genPart(t, "channelOnline", ct)}
	}
	for _, m := range Current.Metrics {
		if rapid.IntRange(0, 2).Draw(t, "has-"+m.Code) == 0 {
			if in.Metrics == nil {
				in.Metrics = map[string]Counted{}
			}
			d := genCount(t, m.Code+"-den")
			in.Metrics[m.Code] = Counted{Numerator: genPart(t, m.Code+"-num", d), Denominator: d}
		}
	}
	return in
}

func checkBounds(t *rapid.T, out Output) {
	within := func(what string, s Score) {
		if math.IsNaN(s.Ratio) || math.IsInf(s.Ratio, 0) || s.Ratio < 0 || s.Ratio > 100 {
			t.Fatalf("%s ratio %v", what, s.Ratio)
		}
		if s.Score != nil && (math.IsNaN(*s.Score) || *s.Score < 0 || *s.Score > float64(s.Max)) {
			t.Fatalf("%s score %v of %d", what, *s.Score, s.Max)
		}
	}
	sum := 0.0
	for k, g := range out.Groups {
		within("group "+k, g)
		if g.Score == nil {
			t.Fatalf("group %s without a score", k)
		}
		sum += *g.Score
	}
	for k, m := range out.Metrics {
		within("metric "+k, m)
	}
	if out.Total.Score < 0 || out.Total.Score > float64(out.Total.Max) || math.Abs(out.Total.Score-sum) > 0.005*float64(len(out.Groups))+1e-9 {
		t.Fatalf("total %+v, groups add to %v", out.Total, sum)
	}
}

// TestScoresBoundedAndMonotone: every score lies in [0, max], every ratio
// in [0, 100], and raising one numerator never lowers its group's score or
// the total.
func TestScoresBoundedAndMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t)
		if err := in.Validate(Current); err != nil {
			t.Fatalf("generated input invalid: %v", err)
		}
		out := Compute(Current, in)
		checkBounds(t, out)

		// JSON round trip through the parser.
		b, _ := json.Marshal(in)
		back, err := Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !reflect.DeepEqual(Compute(Current, back), out) {
			t.Fatalf("round trip changed the output: %s", b)
		}

		// Raise one numerator by one, where the denominator allows.
		up := clone(in)
		group := ""
		switch rapid.IntRange(0, 3).Draw(t, "raise") {
		case 0:
			if p := up.Progress; p != nil && p.TotalOnTime < p.TotalReceived {
				p.TotalOnTime++
				group = Progress
			}
		case 1:
			if p := up.Payment; p != nil {
				switch {
				case p.TotalDossierOnlinePaymentSuccess < p.TotalDossierFinancialObligation:
					p.TotalDossierOnlinePaymentSuccess++
				case p.TotalFeeDossierFormality < p.TotalFeeFormality:
					p.TotalFeeDossierFormality++
				case p.TotalDossierOnlineFormalityPaymentSuccess < p.TotalFeeFormality:
					p.TotalDossierOnlineFormalityPaymentSuccess++
				}
				group = Payment
			}
		case 2:
			if o := up.Online; o != nil {
				switch {
				case o.PartialCount+o.FullCount < o.AuthorityCount:
					o.FullCount++
				case o.OnlineDossierCount < o.OnlineServiceTotal:
					o.OnlineDossierCount++
				case o.ChannelOnlineSum < o.ChannelTotalSum:
					o.ChannelOnlineSum++
				}
				group = Online
			}
		case 3:
			for code, c := range up.Metrics {
				if c.Numerator < c.Denominator {
					c.Numerator++
					up.Metrics[code] = c
					m, _ := Current.Metric(code)
					group = m.Group
					break
				}
			}
		}
		if group == "" {
			return
		}
		after := Compute(Current, up)
		checkBounds(t, after)
		if before, now := out.Groups[group].Points(), after.Groups[group].Points(); now < before {
			t.Fatalf("raising a numerator of %s lowered it from %v to %v", group, before, now)
		}
		if after.Total.Score < out.Total.Score {
			t.Fatalf("raising a numerator lowered the total from %v to %v", out.Total.Score, after.Total.Score)
		}
	})
}

func clone(in Input) Input {
	out := in
	if in.Progress != nil {
		p := *in.Progress
		out.Progress = &p
	}
	if in.Payment != nil {
		p := *in.Payment
		out.Payment = &p
	}
	if in.Online != nil {
		o := *in.Online
		out.Online = &o
	}
	if in.Metrics != nil {
		out.Metrics = map[string]Counted{}
		for k, v := range in.Metrics {
			out.Metrics[k] = v
		}
	}
	return out
}

// FuzzParse: whatever the bytes, Parse either refuses them with an
// *InputError or returns an input whose output is finite, bounded and
// encodes as JSON. The seed corpus is in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte(referenceInput))
	f.Add([]byte(`{"metrics":{"PETITION_PROCESSING_ON_TIME":{"numerator":0,"denominator":0}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := Parse(data)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Message == "" {
				t.Fatalf("error %v (%T) is not an *InputError", err, err)
			}
			return
		}
		out := Compute(Current, in)
		b, err := json.Marshal(out)
		if err != nil {
			t.Fatalf("output does not encode: %v", err)
		}
		var back Output
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		for k, g := range out.Groups {
			if g.Score == nil || *g.Score < 0 || *g.Score > float64(g.Max) || g.Ratio < 0 || g.Ratio > 100 {
				t.Fatalf("group %s out of bounds: %+v", k, g)
			}
		}
		for k, m := range out.Metrics {
			if m.Ratio < 0 || m.Ratio > 100 || m.Score != nil && (*m.Score < 0 || *m.Score > float64(m.Max)) {
				t.Fatalf("metric %s out of bounds: %+v", k, m)
			}
		}
	})
}
